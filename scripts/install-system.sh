#!/usr/bin/env bash
# Install the Debian packages kehoach needs, only those that are missing.
set -euo pipefail
need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr)
if command -v tesseract >/dev/null; then
  langs=$(tesseract --list-langs 2>/dev/null || true)
  grep -qx vie <<<"$langs" || need+=(tesseract-ocr-vie)
  grep -qx Vietnamese <<<"$langs" || need+=(tesseract-ocr-script-viet)
else
  need+=(tesseract-ocr-vie tesseract-ocr-script-viet)
fi
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
