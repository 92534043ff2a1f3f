"""bytes -> Document -> Extraction: no database, no network."""
