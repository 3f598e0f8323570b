"""The largest value of a ``PositiveSmallIntegerField`` (PostgreSQL's ``smallint``), for the
serializers that show one.

Left to DRF, such a field's maximum comes from the database connection: 32 767 on PostgreSQL,
2**63 − 1 on SQLite, so docs/openapi.yaml differed by backend and the schema test failed on one
of them. Naming the limit in the serializer (``extra_kwargs``) gives the same schema on both,
and it is the limit production has.
"""

SMALLINT_MAX = 32767

#: ``extra_kwargs`` entry for a small integer field.
SMALLINT = {"max_value": SMALLINT_MAX}
