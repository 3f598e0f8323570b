"""What the API shows of cases, applications, decisions and payments (read-only).

Money is given twice: ``*_ore`` as an integer number of öre, as stored, and ``*_kr`` as text
with two decimals and a point (``"6500.00"``), for people and spreadsheets. Neither is ever a
floating-point number.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bistand.cases.models import (
    Application,
    Case,
    HouseholdMember,
    Municipality,
    State,
    Transition,
    Unit,
)
from bistand.decisions.models import Decision, DecisionItem, Outcome, Proposal
from bistand.payments.models import PaymentOrder, PaymentStatus


def kronor(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}.{cents:02d}"


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^-?\d+\.\d{2}$",
        "example": "6500.00",
        "description": "Beloppet i kronor med två decimaler (samma belopp som i öre).",
    }
)
class KronorField(serializers.Field):
    """An öre amount as kronor text: 650000 → "6500.00"."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: int) -> str:
        return kronor(value)


def amount_fields() -> tuple[serializers.IntegerField, KronorField]:
    return (
        serializers.IntegerField(read_only=True, help_text="Beloppet i öre (heltal)."),
        KronorField(source="amount_ore"),
    )


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    # The API only reads: every field is read-only, and so marked in the schema. (A docstring
    # here would become every component's description in the schema: each subclass has its
    # own, in Swedish.)

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


# --- Cases ----------------------------------------------------------------------------------


class UnitSerializer(ReadOnlyModelSerializer):
    """En enhet inom kommunen."""

    class Meta:
        model = Unit
        fields = ("id", "name")


class MunicipalitySerializer(ReadOnlyModelSerializer):
    """Kommunen och den nämnd som beslutar."""

    class Meta:
        model = Municipality
        fields = ("code", "name", "committee")


class MemberSerializer(ReadOnlyModelSerializer):
    """En medlem i hushållet under en period."""

    person_id = serializers.IntegerField(source="person.pk", read_only=True)
    personnummer = serializers.CharField(
        source="person.personnummer",
        read_only=True,
        help_text="Personnummer eller samordningsnummer, 12 siffror.",
    )
    given_name = serializers.CharField(source="person.given_name", read_only=True)
    family_name = serializers.CharField(source="person.family_name", read_only=True)
    protected_identity = serializers.BooleanField(
        source="person.protected_identity",
        read_only=True,
        help_text="Skyddade personuppgifter: adressen visas aldrig.",
    )
    # Declared here, not taken from the model: the model field's range depends on the
    # database (PostgreSQL's smallint), and the schema must not.
    days_per_month = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        min_value=0,
        max_value=31,
        help_text="Dagar per månad, för barn som bor i hushållet en del av tiden.",
    )

    class Meta:
        model = HouseholdMember
        fields = (
            "person_id",
            "personnummer",
            "given_name",
            "family_name",
            "protected_identity",
            "role",
            "valid_from",
            "valid_to",
            "days_per_month",
            "basis",
        )


class CaseApplicationSerializer(ReadOnlyModelSerializer):
    """En ansökan i ärendet, i korthet."""

    class Meta:
        model = Application
        fields = ("id", "month", "kind", "state")


class CaseListSerializer(ReadOnlyModelSerializer):
    """Ett ärende (ett hushåll), i korthet."""

    unit = UnitSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = ("id", "reference", "unit", "opened_at", "restricted")


class CaseDetailSerializer(CaseListSerializer):
    """Ett ärende med hushållets medlemmar och ansökningar."""

    municipality = MunicipalitySerializer(read_only=True)
    members = MemberSerializer(
        source="household.members",
        many=True,
        read_only=True,
        help_text="Hushållets medlemmar över tid (från och till).",
    )
    applications = CaseApplicationSerializer(many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = (*CaseListSerializer.Meta.fields, "municipality", "members", "applications")


# --- Proposals and flags --------------------------------------------------------------------


class FlagSerializer(serializers.Serializer):
    """En flagga från den automatiska kontrollen: något en handläggare ska se på."""

    code = serializers.CharField(help_text="Flaggans kod, t.ex. INCOME_DIFFERS.")
    message = serializers.CharField(help_text="Vad flaggan betyder, i en mening.")
    evidence = serializers.DictField(help_text="Underlaget: belopp, källor, datum.")


class RouteReasonSerializer(serializers.Serializer):
    """Ett skäl till att förslaget går till en handläggare."""

    code = serializers.CharField(help_text="T.ex. FIRST_APPLICATION eller NOT_DELEGATED.")
    message = serializers.CharField()


class ProposalOutcomeField(serializers.ChoiceField):
    """A proposal the robot could not calculate has no outcome: null, not an empty string."""

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class ProposalSerializer(ReadOnlyModelSerializer):
    """Beslutsförslaget för en ansökan."""

    amount_ore, amount_kr = amount_fields()
    outcome = ProposalOutcomeField(
        choices=Outcome.choices,
        read_only=True,
        allow_null=True,
        help_text="null när roboten inte kunde beräkna ansökan; flaggan säger varför "
        "(docs/robot.md).",
    )
    calculated = serializers.BooleanField(
        read_only=True, help_text="Falskt när roboten inte kunde beräkna ansökan."
    )
    flags = FlagSerializer(many=True, read_only=True)
    route_reasons = RouteReasonSerializer(
        many=True, read_only=True, help_text="Varför förslaget går till en handläggare."
    )

    class Meta:
        model = Proposal
        fields = (
            "id",
            "outcome",
            "calculated",
            "amount_ore",
            "amount_kr",
            "route",
            "route_reasons",
            "flags",
            "created_at",
        )


# --- Applications ---------------------------------------------------------------------------


class TransitionSerializer(ReadOnlyModelSerializer):
    """En statusändring: från, till, när, vem och varför."""

    class Meta:
        model = Transition
        fields = ("from_state", "to_state", "at", "actor", "reason")


class ApplicationListSerializer(ReadOnlyModelSerializer):
    """En månads ansökan, i korthet."""

    case_reference = serializers.CharField(source="case.reference", read_only=True)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    flags = serializers.SerializerMethodField(
        help_text="Koderna för beslutsförslagets flaggor (tom lista utan förslag)."
    )

    class Meta:
        model = Application
        fields = (
            "id",
            "case",
            "case_reference",
            "month",
            "kind",
            "state",
            "state_changed_at",
            "submitted_at",
            "flags",
        )

    def get_flags(self, application) -> list[str]:
        try:
            return application.proposal.flag_codes
        except Proposal.DoesNotExist:
            return []


class ApplicationDetailSerializer(ApplicationListSerializer):
    """En månads ansökan med uppgifter, statusändringar och beslutsförslag."""

    declared = serializers.JSONField(
        read_only=True,
        help_text="Vad den sökande uppgav: hushåll, boende, kostnader, inkomster, tillgångar, "
        "övriga behov, förändringar, planering (docs/architecture.md).",
    )
    proposal = ProposalSerializer(read_only=True, allow_null=True)
    decision = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Beslutet, om ansökan är beslutad."
    )
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = (
            *ApplicationListSerializer.Meta.fields,
            "declared",
            "proposal",
            "decision",
            "transitions",
        )


# --- Decisions ------------------------------------------------------------------------------


class DecisionItemSerializer(ReadOnlyModelSerializer):
    """En beslutspunkt: utfall, belopp, motivering och lagrum."""

    amount_ore, amount_kr = amount_fields()
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True)

    class Meta:
        model = DecisionItem
        fields = ("code", "label", "outcome", "amount_ore", "amount_kr", "reasons", "legal_basis")


class DeciderSerializer(serializers.Serializer):
    """Handläggaren som fattade beslutet."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class ParameterVersionSerializer(serializers.Serializer):
    """En parameterversion som beräkningen byggde på."""

    id = serializers.CharField(help_text="Parameterns id i regelmotorn.")
    valid_from = serializers.CharField(help_text="Från vilket datum värdet gäller.")
    status = serializers.CharField(help_text="official eller provisional.")


class DecisionSerializer(ReadOnlyModelSerializer):
    """Ett beslut om en ansökan, med beslutspunkter."""

    amount_ore, amount_kr = amount_fields()
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True)
    case = serializers.IntegerField(source="application.case_id", read_only=True)
    decided_by = DeciderSerializer(
        read_only=True, allow_null=True, help_text="Handläggaren; null vid automatiserat beslut."
    )
    four_eyes_approver = DeciderSerializer(
        read_only=True,
        allow_null=True,
        help_text=(
            "Handläggaren som godkände beslutet först när beloppet var över gränsen för "
            "fyraögonsprincipen (decided_by godkände sedan och fattade beslutet); annars null."
        ),
    )
    automated = serializers.BooleanField(read_only=True)
    parameter_versions = ParameterVersionSerializer(many=True, read_only=True)
    items = DecisionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = (
            "id",
            "application",
            "case",
            "outcome",
            "amount_ore",
            "amount_kr",
            "decided_at",
            "decided_by",
            "four_eyes_approver",
            "automated",
            "automated_function",
            "automated_function_version",
            "rules_version",
            "parameter_versions",
            "delegation_reference",
            "items",
        )


# --- Payments -------------------------------------------------------------------------------


class PaymentOrderSerializer(ReadOnlyModelSerializer):
    """Ett utbetalningsuppdrag för ett beviljat beslut."""

    amount_ore, amount_kr = amount_fields()
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    case = serializers.IntegerField(source="application.case_id", read_only=True)

    class Meta:
        model = PaymentOrder
        fields = (
            "id",
            "decision",
            "application",
            "case",
            "amount_ore",
            "amount_kr",
            "due_date",
            "status",
            "created_at",
        )
