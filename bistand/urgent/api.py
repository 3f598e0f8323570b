"""Akut hjälp (nödbistånd) in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); name each route "urgent-…".

The same rules as the staff pages: only cases the user sees (else 404), actions only for a
deciding role (else 403); reading a request writes the access log.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.api.schema_limits import SMALLINT
from bistand.audit.services import Actor, record_access
from bistand.staff import access

from . import services
from .models import Channel, IdentityCheck, Outcome, Reason, UrgentRequest
from .payment_file import PaymentFileError
from .views import visible_requests

TAG = "Akut hjälp"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, utan roll, eller bara läsbehörighet.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")
INVALID = OpenApiResponse(description="Ogiltiga uppgifter; svaret säger vad som är fel.")


@extend_schema_field(OpenApiTypes.STR)
class UrgentOutcomeField(serializers.ChoiceField):
    """``grant`` (beviljas) or ``refusal`` (avslås). A plain string in the schema: an enum
    component named Outcome would collide with the month's decision outcome (bifall, delvis
    bifall, avslag)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Outcome.choices, **kwargs)


class UrgentProposalSerializer(serializers.Serializer):
    amount_ore = serializers.IntegerField(allow_null=True)
    checked = serializers.BooleanField(help_text="Alla register svarade.")
    flags = serializers.JSONField()
    registers = serializers.JSONField()
    trace = serializers.JSONField()


class UrgentDecisionSerializer(serializers.Serializer):
    outcome = UrgentOutcomeField(help_text="grant (beviljas) eller refusal (avslås).")
    amount_ore = serializers.IntegerField()
    proposed_ore = serializers.IntegerField(allow_null=True)
    motivering = serializers.CharField()
    decided_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.get_full_name")
    payment_status = serializers.SerializerMethodField()

    def get_payment_status(self, decision) -> str | None:
        payment = getattr(decision, "payment", None)
        return payment.status if payment else None


class UrgentSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference")
    proposal = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    class Meta:
        model = UrgentRequest
        extra_kwargs = {"days": SMALLINT}  # the same schema on SQLite and PostgreSQL
        fields = (
            "id",
            "case",
            "case_reference",
            "reason",
            "description",
            "days",
            "channel",
            "identity_check",
            "received_at",
            "due_at",
            "status",
            "proposal",
            "decision",
        )

    @extend_schema_field(UrgentProposalSerializer(allow_null=True))
    def get_proposal(self, obj):
        proposal = getattr(obj, "proposal", None)
        return UrgentProposalSerializer(proposal).data if proposal else None

    @extend_schema_field(UrgentDecisionSerializer(allow_null=True))
    def get_decision(self, obj):
        decision = getattr(obj, "decision", None)
        return UrgentDecisionSerializer(decision).data if decision else None


class UrgentListSerializer(UrgentSerializer):
    """A list row: what kind of need, when, and where it stands — not what the applicant wrote,
    the register answers or the motivering (the detail has those, and its reading is
    access-logged; docs/api.md)."""

    class Meta(UrgentSerializer.Meta):
        fields = tuple(
            f
            for f in UrgentSerializer.Meta.fields
            if f not in ("description", "proposal", "decision")
        )


class UrgentRegisterSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="En ansökan i ärendet (id).")
    person = serializers.IntegerField(help_text="Sökande eller medsökande i ärendet (person-id).")
    reason = serializers.ChoiceField(choices=Reason.choices)
    description = serializers.CharField(max_length=2000)
    days = serializers.IntegerField(min_value=1)
    identity_check = serializers.ChoiceField(choices=IdentityCheck.choices)
    identity_note = serializers.CharField(max_length=200, required=False, default="")


class UrgentDecideSerializer(serializers.Serializer):
    outcome = UrgentOutcomeField(help_text="grant (beviljas) eller refusal (avslås).")
    amount_ore = serializers.IntegerField(min_value=0, required=False, default=0)
    motivering = serializers.CharField(max_length=4000)


def _deciding(request) -> None:
    if not access.can_decide(request.user):
        raise PermissionDenied("Du har bara läsbehörighet.")


def _visible(request, pk: int) -> UrgentRequest:
    found = visible_requests(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound("Ansökan om akut hjälp finns inte.")
    return found


class UrgentList(ListAPIView):
    serializer_class = UrgentListSerializer

    def get_queryset(self):
        return visible_requests(self.request.user).order_by("due_at", "pk")

    @extend_schema(
        tags=[TAG],
        summary="Ansökningar om akut hjälp",
        description="Ärendena du ser, den som ska vara beslutad först överst.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Registrera akut hjälp (receptionen)",
        description="För sökande eller medsökande i ett befintligt ärende, med id-kontroll.",
        request=UrgentRegisterSerializer,
        responses={201: UrgentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request):
        _deciding(request)
        data = UrgentRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        application = get_object_or_404(
            access.applications_visible_to(request.user), pk=values["application"]
        )
        person = next(
            (
                m.person
                for m in services.adults(application.case)
                if m.person_id == values["person"]
            ),
            None,
        )
        if person is None:
            return Response(
                {"person": ["Personen är inte sökande eller medsökande i ärendet."]}, status=400
            )
        try:
            urgent = services.create_request(
                application.case,
                person,
                reason=values["reason"],
                description=values["description"],
                days=values["days"],
                channel=Channel.RECEPTION,
                actor=Actor.user(request.user),
                registered_by=request.user,
                identity_check=values["identity_check"],
                identity_note=values["identity_note"],
            )
        except services.UrgentError as error:
            return Response({"detail": str(error)}, status=400)
        return Response(UrgentSerializer(urgent).data, status=status.HTTP_201_CREATED)


class UrgentDetail(APIView):
    @extend_schema(
        tags=[TAG],
        summary="En ansökan om akut hjälp",
        description="Med förslaget (belopp, beräkning rad för rad, flaggor, registersvar) och "
        "beslutet. Läsningen loggas i åtkomstloggen (ändamål API).",
        responses={200: UrgentSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        urgent = _visible(request, pk)
        record_access(request.user, case_id=urgent.case_id, purpose="API", view="api:urgent")
        return Response(UrgentSerializer(urgent).data)


class UrgentDecide(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Besluta om akut hjälp",
        description="Bifall (med belopp i öre) eller avslag, med motivering. Ett andra beslut "
        "avvisas (409). Vid bifall skapas en akut utbetalning.",
        request=UrgentDecideSerializer,
        responses={
            201: UrgentSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Redan beslutad."),
        },
    )
    def post(self, request, pk: int):
        urgent = _visible(request, pk)
        _deciding(request)
        data = UrgentDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not urgent.open:
            return Response({"detail": "Ansökan om akut hjälp är redan beslutad."}, status=409)
        try:
            services.decide(urgent, user=request.user, **data.validated_data)
        except services.UrgentError as error:
            code = 409 if "redan beslutad" in str(error) else 400
            return Response({"detail": str(error)}, status=code)
        urgent.refresh_from_db()
        return Response(UrgentSerializer(urgent).data, status=201)


class UrgentPay(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Betala ut akut hjälp nu",
        description="Skapar den akuta utbetalningens egen pain.001-fil, utanför dagens "
        "betalfil; en gång (ett andra anrop ger samma fil).",
        request=None,
        responses={200: UrgentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        urgent = _visible(request, pk)
        _deciding(request)
        payment = getattr(getattr(urgent, "decision", None), "payment", None)
        if payment is None:
            raise NotFound("Ingen utbetalning.")
        try:
            services.export_payment(payment, actor=Actor.user(request.user))
        except PaymentFileError as error:
            return Response({"detail": str(error)}, status=400)
        urgent.refresh_from_db()
        return Response(UrgentSerializer(urgent).data)


urlpatterns = [
    path("urgent/", UrgentList.as_view(), name="urgent-list"),
    path("urgent/<int:pk>/", UrgentDetail.as_view(), name="urgent-detail"),
    path("urgent/<int:pk>/decision/", UrgentDecide.as_view(), name="urgent-decide"),
    path("urgent/<int:pk>/payment/", UrgentPay.as_view(), name="urgent-pay"),
]
