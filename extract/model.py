"""The Extraction contract: the facts found in one Document, in the shape of the gold files.

Every fact carries its provenance (page, start/end offsets into ``Document.text``, the
verbatim text of the span) and a confidence. ``Extraction.to_gold_dict()`` gives exactly the
shape of corpora/gold/*.json plus a ``provenance`` object per item; that is what
``kehoach extract --json`` prints and what evaluation reads.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["lead", "coordinate", "report_to"]
Comparator = Literal["=", ">=", "<=", "range"]
DeadlineKind = Literal["absolute", "recurring", "period_end"]
Topic = str  # mai_dam, ma_tuy, mua_ban_nguoi, hiv_aids, te_nan_xa_hoi, and later domains


@dataclass
class Provenance:
    page: int
    start: int
    end: int
    text: str  # verbatim: Document.text[start:end]


@dataclass
class Signer:
    name: str | None = None
    position: str | None = None  # signing capacity: "Phó Chủ tịch", "Trưởng ban"


@dataclass
class PlanPeriod:
    start: int | None = None
    end: int | None = None


@dataclass
class Metadata:
    province: str | None = None
    issuer: str | None = None
    doc_type: str | None = None  # "Kế hoạch", "Quyết định", "Chỉ thị", ...
    number: str | None = None  # "27/KH-UBND"; None when blank ("Số: /KH-UBND")
    issued_date: str | None = None  # ISO; None when day or month is blank
    issued_year: int | None = None
    plan_period: PlanPeriod = field(default_factory=PlanPeriod)
    title: str | None = None
    signer: Signer = field(default_factory=Signer)
    topics: list[Topic] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)  # field name -> where read


@dataclass
class Citation:
    type: str  # "Quyết định", "Nghị định", "Chỉ thị", "Luật", ...
    number: str | None  # spaces removed: "314/2020/NQ-HĐND"
    date: str | None  # ISO
    issuer: str | None
    mention: str  # shortest verbatim span: type + "số" + number [+ "ngày <date>"]
    key: str  # canonical key linking every plan that cites the same document
    provenance: Provenance
    confidence: float = 1.0


@dataclass
class Agency:
    name: str  # canonical name from the gazetteer (or as written, flagged, when unknown)
    aliases_in_text: list[str]
    roles: list[Role]
    mention: str  # the heading as written, or the span where the responsibility is assigned
    provenance: Provenance
    tasks: list[str] = field(default_factory=list)
    known: bool = True  # False when not in the gazetteer: kept, and listed for review
    confidence: float = 1.0


@dataclass
class Target:
    value: float
    value_max: float | None
    unit: str | None
    comparator: Comparator
    subject: str | None
    area: str | None
    period: str | None
    text: str  # the sentence or bullet, <= 300 characters
    provenance: Provenance  # span of the quantity itself; text is the sentence around it
    confidence: float = 1.0
    note: str | None = None  # a judgement the reading made ("khoảng" -> "="), as in the gold


@dataclass
class Deadline:
    kind: DeadlineKind
    date: str | None  # ISO, for absolute deadlines
    frequency: list[str] | None  # recurring: ["6 tháng", "năm"]
    action: str | None
    agency: str | None
    text: str
    provenance: Provenance
    confidence: float = 1.0


@dataclass
class Extraction:
    doc: str  # the source file's name: the key evaluation matches on
    metadata: Metadata = field(default_factory=Metadata)
    citations: list[Citation] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    extractor_version: str = ""
    seconds: float = 0.0

    def to_gold_dict(self) -> dict[str, Any]:
        """The gold-file shape (corpora/gold/README.md), plus provenance and confidence."""
        out = dataclasses.asdict(self)
        out.pop("seconds")
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        def prov(d: dict) -> Provenance:
            return Provenance(**d)

        meta = dict(data.get("metadata") or {})
        meta["plan_period"] = PlanPeriod(**(meta.get("plan_period") or {}))
        meta["signer"] = Signer(**(meta.get("signer") or {}))
        meta["provenance"] = {k: prov(v) for k, v in (meta.get("provenance") or {}).items()}
        meta.pop("note", None)

        def items(kind: type, rows: list[dict]) -> list:
            names = {f.name for f in dataclasses.fields(kind)}
            return [kind(**{**{k: v for k, v in r.items() if k in names},
                            "provenance": prov(r["provenance"])}) for r in rows]

        return cls(
            doc=data["doc"],
            metadata=Metadata(**meta),
            citations=items(Citation, data.get("citations") or []),
            agencies=items(Agency, data.get("agencies") or []),
            targets=items(Target, data.get("targets") or []),
            deadlines=items(Deadline, data.get("deadlines") or []),
            extractor_version=data.get("extractor_version", ""),
        )
