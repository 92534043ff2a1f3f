"""The initial schema: provinces, agencies, legal documents, documents, runs and facts.

Full-text search comes in 0002.

Revision ID: 0001
Revises: 
Create Date: 2025-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('folded', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('known', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('name', name=op.f('uq_agency_name'))
    )
    op.create_index('ix_agency_folded', 'agency', ['folded'], unique=False)

    op.create_table('ingest_error',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_error')),
    sa.UniqueConstraint('key', name=op.f('uq_ingest_error_key'))
    )
    op.create_index('ix_ingest_error_sha256', 'ingest_error', ['sha256'], unique=False)

    op.create_table('legal_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('number_key', sa.String(), nullable=True),
    sa.Column('doc_type', sa.String(), nullable=True),
    sa.Column('number', sa.String(), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('issuer', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_document')),
    sa.UniqueConstraint('key', name=op.f('uq_legal_document_key'))
    )
    op.create_index('ix_legal_document_number_key', 'legal_document', ['number_key'], unique=False)

    op.create_table('province',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('folded', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('until_2025', sa.Boolean(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['province.id'], name=op.f('fk_province_merged_into_id_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province')),
    sa.UniqueConstraint('folded', name=op.f('uq_province_folded')),
    sa.UniqueConstraint('name', name=op.f('uq_province_name'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('format', sa.String(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('ocr_pages', sa.JSON(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('province_written', sa.String(), nullable=True),
    sa.Column('issuer', sa.String(), nullable=True),
    sa.Column('doc_type', sa.String(), nullable=True),
    sa.Column('number', sa.String(), nullable=True),
    sa.Column('cite_key', sa.String(), nullable=True),
    sa.Column('cite_key_base', sa.String(), nullable=True),
    sa.Column('issued_date', sa.String(length=10), nullable=True),
    sa.Column('issued_year', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Integer(), nullable=True),
    sa.Column('period_end', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('signer_name', sa.String(), nullable=True),
    sa.Column('signer_position', sa.String(), nullable=True),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('extractor_version', sa.String(), nullable=True),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['province.id'], name=op.f('fk_document_province_id_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('sha256', name=op.f('uq_document_sha256'))
    )
    op.create_index('ix_document_cite_key', 'document', ['cite_key'], unique=False)
    op.create_index('ix_document_cite_key_base', 'document', ['cite_key_base'], unique=False)
    op.create_index('ix_document_extractor_version', 'document', ['extractor_version'], unique=False)
    op.create_index('ix_document_issued_year', 'document', ['issued_year'], unique=False)
    op.create_index('ix_document_province_id', 'document', ['province_id'], unique=False)

    op.create_table('document_text',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('parsed', sa.JSON(), nullable=False),
    sa.Column('parse_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_text_document_id_document')),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_text'))
    )
    op.create_table('document_topic',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_topic_document_id_document')),
    sa.PrimaryKeyConstraint('document_id', 'topic', name=op.f('pk_document_topic'))
    )
    op.create_index('ix_document_topic_topic', 'document_topic', ['topic'], unique=False)

    op.create_table('extraction_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('extractor_version', sa.String(), nullable=False),
    sa.Column('models_hash', sa.String(length=64), nullable=True),
    sa.Column('started', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('timings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_extraction_run_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extraction_run'))
    )
    op.create_index('ix_extraction_run_document_id', 'extraction_run', ['document_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('tasks', sa.JSON(), nullable=False),
    sa.Column('aliases_in_text', sa.JSON(), nullable=False),
    sa.Column('mention', sa.Text(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('verbatim', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_assignment_agency_id_agency')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_assignment_document_id_document')),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_run.id'], name=op.f('fk_assignment_run_id_extraction_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    op.create_index('ix_assignment_agency_id', 'assignment', ['agency_id'], unique=False)
    op.create_index('ix_assignment_document_id', 'assignment', ['document_id'], unique=False)

    op.create_table('citation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('legal_document_id', sa.Integer(), nullable=False),
    sa.Column('cited_document_id', sa.Integer(), nullable=True),
    sa.Column('mention', sa.Text(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('verbatim', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['cited_document_id'], ['document.id'], name=op.f('fk_citation_cited_document_id_document')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_citation_document_id_document')),
    sa.ForeignKeyConstraint(['legal_document_id'], ['legal_document.id'], name=op.f('fk_citation_legal_document_id_legal_document')),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_run.id'], name=op.f('fk_citation_run_id_extraction_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citation'))
    )
    op.create_index('ix_citation_cited_document_id', 'citation', ['cited_document_id'], unique=False)
    op.create_index('ix_citation_document_id', 'citation', ['document_id'], unique=False)
    op.create_index('ix_citation_legal_document_id', 'citation', ['legal_document_id'], unique=False)

    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('frequency', sa.JSON(), nullable=True),
    sa.Column('action', sa.Text(), nullable=True),
    sa.Column('agency', sa.String(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('verbatim', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_deadline_agency_id_agency')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_deadline_document_id_document')),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_run.id'], name=op.f('fk_deadline_run_id_extraction_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline'))
    )
    op.create_index('ix_deadline_agency_id', 'deadline', ['agency_id'], unique=False)
    op.create_index('ix_deadline_document_id', 'deadline', ['document_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('value_max', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(), nullable=True),
    sa.Column('comparator', sa.String(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('area', sa.String(), nullable=True),
    sa.Column('period', sa.String(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('year_from', sa.Integer(), nullable=True),
    sa.Column('year_to', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('verbatim', sa.Text(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_target_document_id_document')),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_run.id'], name=op.f('fk_target_run_id_extraction_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target'))
    )
    op.create_index('ix_target_document_id', 'target', ['document_id'], unique=False)
    op.create_index('ix_target_years', 'target', ['year_from', 'year_to'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_target_years', table_name='target')
    op.drop_index('ix_target_document_id', table_name='target')

    op.drop_table('target')
    op.drop_index('ix_deadline_document_id', table_name='deadline')
    op.drop_index('ix_deadline_agency_id', table_name='deadline')

    op.drop_table('deadline')
    op.drop_index('ix_citation_legal_document_id', table_name='citation')
    op.drop_index('ix_citation_document_id', table_name='citation')
    op.drop_index('ix_citation_cited_document_id', table_name='citation')

    op.drop_table('citation')
    op.drop_index('ix_assignment_document_id', table_name='assignment')
    op.drop_index('ix_assignment_agency_id', table_name='assignment')

    op.drop_table('assignment')
    op.drop_index('ix_extraction_run_document_id', table_name='extraction_run')

    op.drop_table('extraction_run')
    op.drop_index('ix_document_topic_topic', table_name='document_topic')

    op.drop_table('document_topic')
    op.drop_table('document_text')
    op.drop_index('ix_document_province_id', table_name='document')
    op.drop_index('ix_document_issued_year', table_name='document')
    op.drop_index('ix_document_extractor_version', table_name='document')
    op.drop_index('ix_document_cite_key_base', table_name='document')
    op.drop_index('ix_document_cite_key', table_name='document')

    op.drop_table('document')
    op.drop_table('province')
    op.drop_index('ix_legal_document_number_key', table_name='legal_document')

    op.drop_table('legal_document')
    op.drop_index('ix_ingest_error_sha256', table_name='ingest_error')

    op.drop_table('ingest_error')
    op.drop_index('ix_agency_folded', table_name='agency')

    op.drop_table('agency')
