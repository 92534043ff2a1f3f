"""The normalised store: one table per kind of thing, every fact pointing back to its sentence.

- ``Province``: the 63 units before 1 July 2025 and the 34 after, each old one linked to the unit
  it merged into (``merged_into_id``); ``folded`` is the lookup key.
- ``Agency``: one row per canonical body; a name the gazetteer does not know is kept as
  written with ``known = False``, to be reviewed.
- ``LegalDocument``: one row per cited document (citation key), however many plans cite it.
- ``Document``: one row per source file (sha256 unique) with its metadata; its parsed text,
  blocks and outline sit in ``DocumentText`` so re-extraction never re-parses or re-OCRs, and
  so queries over documents do not drag the text along.
- ``ExtractionRun``: one per extraction of a document; every fact names the run that made it.
- ``Target``, ``Assignment``, ``Deadline``, ``Citation``: facts, each with page, character
  offsets into the document text (``char_start``/``char_end``) and the verbatim span.
- ``IngestError``: a file that could not be stored, and why.

The tables are created by the Alembic migrations in ``migrations/``, never by ``create_all``;
a test checks that these models and the migrations agree.
"""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints and indexes, so migrations can refer to them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Province(SQLModel, table=True):
    __tablename__ = "province"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    folded: str = Field(unique=True)
    kind: str = Field()
    aliases: list = Field(default_factory=list, sa_type=JSON)
    until_2025: bool = True
    current: bool = True
    merged_into_id: Optional[int] = Field(default=None, foreign_key="province.id")


class Agency(SQLModel, table=True):
    __tablename__ = "agency"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    folded: str = Field(index=True)
    level: Optional[str] = Field(default=None)
    kind: Optional[str] = Field(default=None)
    aliases: list = Field(default_factory=list, sa_type=JSON)
    known: bool = True


class LegalDocument(SQLModel, table=True):
    __tablename__ = "legal_document"

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    number_key: Optional[str] = Field(default=None, index=True)
    doc_type: Optional[str] = Field(default=None)
    number: Optional[str] = Field(default=None)
    date: Optional[str] = Field(default=None, max_length=10)
    issuer: Optional[str] = Field(default=None)


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: Optional[int] = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    path: str = Field(sa_type=Text)
    name: str = Field()
    format: str = Field()
    size: int = 0
    page_count: int = 0
    ocr_pages: list = Field(default_factory=list, sa_type=JSON)
    province_id: Optional[int] = Field(default=None, foreign_key="province.id", index=True)
    province_written: Optional[str] = Field(default=None)
    issuer: Optional[str] = Field(default=None)
    doc_type: Optional[str] = Field(default=None)
    number: Optional[str] = Field(default=None)
    # Citation key of the document itself, full and without its year, so citations resolve to it.
    cite_key: Optional[str] = Field(default=None, index=True)
    cite_key_base: Optional[str] = Field(default=None, index=True)
    issued_date: Optional[str] = Field(default=None, max_length=10)  # ISO
    issued_year: Optional[int] = Field(default=None, index=True)
    period_start: Optional[int] = None
    period_end: Optional[int] = None
    title: Optional[str] = Field(default=None, sa_type=Text)
    signer_name: Optional[str] = Field(default=None)
    signer_position: Optional[str] = Field(default=None)
    provenance: dict = Field(default_factory=dict, sa_type=JSON)  # metadata field -> page/offsets/text
    run_id: Optional[int] = None  # the extraction run whose facts are stored now
    extractor_version: Optional[str] = Field(default=None, index=True)
    loaded_at: datetime


class DocumentText(SQLModel, table=True):
    """The parsed Document: text, and everything else as JSON (block texts left out: offsets)."""

    __tablename__ = "document_text"

    document_id: int = Field(foreign_key="document.id", primary_key=True)
    text: str = Field(sa_type=Text)
    parsed: dict = Field(sa_type=JSON)
    parse_seconds: float = 0.0


class DocumentTopic(SQLModel, table=True):
    __tablename__ = "document_topic"

    document_id: int = Field(foreign_key="document.id", primary_key=True)
    topic: str = Field(primary_key=True, index=True)


class ExtractionRun(SQLModel, table=True):
    __tablename__ = "extraction_run"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    extractor_version: str = Field()
    models_hash: Optional[str] = Field(default=None, max_length=64)
    started: Optional[datetime] = None
    finished: Optional[datetime] = None
    seconds: Optional[float] = None
    status: str = Field(default="ok")
    error: Optional[str] = Field(default=None, sa_type=Text)
    timings: dict = Field(default_factory=dict, sa_type=JSON)


class Provenanced(SQLModel):
    """Where a stored fact was read: page, offsets into the document's stored text, the verbatim
    span, and the extractor's confidence. Every fact table has these columns."""

    page: int
    char_start: int
    char_end: int
    verbatim: str = Field(sa_type=Text)
    confidence: float = 1.0


class Target(Provenanced, table=True):
    __tablename__ = "target"
    __table_args__ = (
        Index("ix_target_years", "year_from", "year_to"),
        # by document, with the years in the index: "targets of these plans in year Y"
        Index("ix_target_document_years", "document_id", "year_from", "year_to"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id")
    run_id: int = Field(foreign_key="extraction_run.id")
    value: float
    value_max: Optional[float] = None
    unit: Optional[str] = Field(default=None)
    comparator: str = Field()
    subject: Optional[str] = Field(default=None, sa_type=Text)
    area: Optional[str] = Field(default=None)
    period: Optional[str] = Field(default=None)
    text: str = Field(sa_type=Text)  # the sentence or bullet
    year_from: Optional[int] = None  # years the target applies to (period, else the plan's)
    year_to: Optional[int] = None
    # The indicator it measures (models/indicators.yaml; "other" when none fits), set by
    # store/indicators.py; indicator_version names the taxonomy that matched it (NULL: not yet).
    indicator_id: Optional[str] = Field(default=None, index=True)
    indicator_score: Optional[float] = None
    indicator_version: Optional[str] = Field(default=None, max_length=16, index=True)


class Assignment(Provenanced, table=True):
    __tablename__ = "assignment"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    run_id: int = Field(foreign_key="extraction_run.id")
    agency_id: int = Field(foreign_key="agency.id", index=True)
    role: Optional[str] = Field(default=None)  # the first of roles
    roles: list = Field(default_factory=list, sa_type=JSON)
    tasks: list = Field(default_factory=list, sa_type=JSON)
    aliases_in_text: list = Field(default_factory=list, sa_type=JSON)
    mention: str = Field(sa_type=Text)
    sentence: str = Field(sa_type=Text)


class AssignmentFunction(SQLModel, table=True):
    """What an assignment makes its agency do: the functions of models/indicators.yaml its tasks
    are about, each with the role and the first task saying so (JSON: {"inspection": ["lead", 0]}).
    Set by store/indicators.py for the agency x function table; ``version`` names the taxonomy.
    A narrow table of its own, so reading it does not drag the long task texts along."""

    __tablename__ = "assignment_function"

    assignment_id: int = Field(foreign_key="assignment.id", primary_key=True, ondelete="CASCADE")
    functions: str = Field(sa_type=Text)
    version: str = Field(max_length=16, index=True)


class Deadline(Provenanced, table=True):
    __tablename__ = "deadline"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    run_id: int = Field(foreign_key="extraction_run.id")
    kind: str = Field()
    date: Optional[str] = Field(default=None, max_length=10)
    frequency: Optional[list] = Field(default=None, sa_type=JSON)
    action: Optional[str] = Field(default=None, sa_type=Text)
    agency: Optional[str] = Field(default=None)  # as extracted
    agency_id: Optional[int] = Field(default=None, foreign_key="agency.id", index=True)
    text: str = Field(sa_type=Text)


class Citation(Provenanced, table=True):
    __tablename__ = "citation"

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)  # the citing plan
    run_id: int = Field(foreign_key="extraction_run.id")
    legal_document_id: int = Field(foreign_key="legal_document.id", index=True)
    # The cited document itself, when it is stored too (a province's own earlier plan).
    cited_document_id: Optional[int] = Field(default=None, foreign_key="document.id", index=True)
    mention: str = Field(sa_type=Text)
    sentence: str = Field(sa_type=Text)


class IngestError(SQLModel, table=True):
    __tablename__ = "ingest_error"
    __table_args__ = (UniqueConstraint("key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)  # sha256 of (path, sha256, error): one row per distinct failure
    path: str = Field(sa_type=Text)
    sha256: Optional[str] = Field(default=None, max_length=64, index=True)
    error: str = Field(sa_type=Text)
    at: datetime


FACT_TABLES = ("target", "assignment", "deadline", "citation")

__all__ = [
    "Agency", "Assignment", "AssignmentFunction", "Citation", "Deadline", "Document", "DocumentText", "DocumentTopic",
    "ExtractionRun", "IngestError", "LegalDocument", "Province", "Target", "FACT_TABLES",
]
