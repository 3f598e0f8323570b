"""Överklaganden in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); each route is named "appeals-…".

The same rules as the pages: staff with a role (``StaffWithRole``), an application or appeal
the user does not see is 404, every write needs a role that decides (403 otherwise) and goes
through the same service function as the page. Reading one appeal or a delivery writes the
access log (purpose API).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.api.schema_limits import SMALLINT
from bistand.audit.services import record_access
from bistand.staff import access

from . import services
from .models import Appeal, CourtOutcome, Delivery, Reconsideration, ReconsiderationKind

TAG = "Överklaganden"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, utan roll, eller bara läsbehörighet.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")
REFUSED = OpenApiResponse(description="Steget kan inte tas; skälet på svenska i ``detail``.")


class ReconsiderationSerializer(serializers.ModelSerializer):
    reconsideration_kind = serializers.ChoiceField(
        source="kind", choices=ReconsiderationKind.choices, read_only=True
    )

    class Meta:
        model = Reconsideration
        fields = (
            "id",
            "reconsideration_kind",
            "outcome",
            "previous_amount_ore",
            "new_amount_ore",
            "reasons",
            "fully_as_requested",
            "decided_at",
            "letter_sha256",
        )


class AppealSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(
        source="decision.application_id",
        read_only=True,
        allow_null=True,
        help_text="Ansökan vars beslut överklagas; null för ett beslut om akut hjälp.",
    )
    urgent_request = serializers.IntegerField(
        source="urgent_decision.request_id",
        read_only=True,
        allow_null=True,
        help_text="Ansökan om akut hjälp vars beslut överklagas (urgent_decision); annars null.",
    )
    attachments = serializers.SerializerMethodField()
    reconsiderations = ReconsiderationSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = (
            "id",
            "application",
            "decision",
            "urgent_request",
            "urgent_decision",
            "channel",
            "text",
            "arrived_on",
            "status",
            "timeliness",
            "delivered_on_used",
            "period_end_used",
            "examined_at",
            "dismissed_at",
            "dismissal_reasons",
            "dismissal_sha256",
            "forward_due_on",
            "forwarded_on",
            "statement",
            "bundle_sha256",
            "court_outcome",
            "court_decided_on",
            "court_case_number",
            "remand_due_on",
            "remand_resolved_on",
            "attachments",
            "reconsiderations",
        )

    def get_attachments(self, obj) -> list[str]:
        return [a.filename for a in obj.attachments.all()]


class AppealListSerializer(AppealSerializer):
    """A list row: which decision, where the appeal stands and its dates — not what the
    applicant wrote, the statement, the reasons or the files (the detail has those, and its
    reading is access-logged; docs/api.md)."""

    class Meta(AppealSerializer.Meta):
        fields = tuple(
            f
            for f in AppealSerializer.Meta.fields
            if f
            not in ("text", "statement", "dismissal_reasons", "attachments", "reconsiderations")
        )


class DeliveryRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        extra_kwargs = {"assumed_days": SMALLINT}  # the same schema on SQLite and PostgreSQL
        fields = ("channel", "sent_on", "delivered_on", "assumed_days", "evidence", "recorded_at")


class DeliverySerializer(serializers.Serializer):
    application = serializers.IntegerField()
    delivered_on = serializers.DateField(allow_null=True, help_text="Delgivning som gäller.")
    how = serializers.CharField()
    proven = serializers.BooleanField()
    period_end = serializers.DateField(allow_null=True, help_text="Sista dag att överklaga.")
    rows = DeliveryRowSerializer(many=True)


class PaperAppealInput(serializers.Serializer):
    application = serializers.IntegerField()
    text = serializers.CharField(max_length=services.MAX_TEXT)
    arrived_on = serializers.DateField()


class PostInput(serializers.Serializer):
    sent_on = serializers.DateField()
    delivered_on = serializers.DateField(required=False, allow_null=True)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReasonsInput(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class ReconsiderInput(serializers.Serializer):
    new_amount_ore = serializers.IntegerField(min_value=0)
    reasons = serializers.CharField(max_length=5000)
    fully_as_requested = serializers.BooleanField(required=False, default=False)
    reconsideration_kind = serializers.ChoiceField(
        choices=ReconsiderationKind.choices, required=False, default=ReconsiderationKind.OMPROVNING
    )


class ForwardInput(serializers.Serializer):
    statement = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CourtInput(serializers.Serializer):
    court_outcome = serializers.ChoiceField(choices=CourtOutcome.choices)
    decided_on = serializers.DateField()
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=40)


def _decider(request) -> None:
    if not access.can_decide(request.user):
        raise PermissionDenied("Du har bara läsbehörighet.")


def _application(request, pk: int):
    found = access.applications_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("Ansökan finns inte.")
    return found


def _appeal(request, pk: int) -> Appeal:
    return get_object_or_404(services.visible_appeals(request.user), pk=pk)


def _refused(error: services.AppealError) -> Response:
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


@extend_schema(
    tags=[TAG],
    summary="Överklaganden",
    description="Överklagandena i de ärenden du får se, senast inkomna först.",
    responses={200: AppealListSerializer(many=True), 403: FORBIDDEN},
)
class AppealList(generics.ListAPIView):
    serializer_class = AppealListSerializer

    def get_queryset(self):
        return services.visible_appeals(self.request.user).order_by("-arrived_on", "-pk")

    @extend_schema(
        tags=[TAG],
        summary="Registrera ett överklagande som kom in på papper",
        request=PaperAppealInput,
        responses={201: AppealSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: REFUSED},
    )
    def post(self, request):
        _decider(request)
        data = PaperAppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = _application(request, data.validated_data["application"])
        try:
            appeal = services.register_paper_appeal(
                application,
                user=request.user,
                text=data.validated_data["text"],
                arrived_on=data.validated_data["arrived_on"],
            )
        except services.AppealError as error:
            return _refused(error)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG],
    summary="Ett överklagande",
    description="Med rättidsprövning, omprövningar, överlämnande och domstolens avgörande. "
    "Läsningen loggas i åtkomstloggen (ändamål API).",
    responses={200: AppealSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
)
class AppealDetail(APIView):
    def get(self, request, pk: int):
        appeal = _appeal(request, pk)
        record_access(
            request.user,
            case_id=appeal.case_id,
            purpose="API",
            view="api.appeals-detail",
        )
        return Response(AppealSerializer(appeal).data)


class _Step(APIView):
    """POST one step of an appeal: a decider, the appeal visible, the service's refusal as 409."""

    input_class: type[serializers.Serializer] | None = None

    def run(self, request, appeal, data):
        raise NotImplementedError

    def post(self, request, pk: int):
        appeal = _appeal(request, pk)
        _decider(request)
        data = {}
        if self.input_class is not None:
            checked = self.input_class(data=request.data)
            checked.is_valid(raise_exception=True)
            data = checked.validated_data
        try:
            self.run(request, appeal, data)
        except services.AppealError as error:
            return _refused(error)
        return Response(AppealSerializer(Appeal.objects.get(pk=appeal.pk)).data)


def _step_schema(summary: str, description: str, request=None):
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=request,
        responses={200: AppealSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: REFUSED},
    )


@_step_schema("Rättidspröva", "Bekräftar rättidsprövningen (FL 45 §) med dagens uppgifter.")
class Examine(_Step):
    def run(self, request, appeal, data):
        services.examine(appeal, user=request.user)


@_step_schema("Avvisa", "Avvisar ett för sent inkommet överklagande med beslutsbrev.", ReasonsInput)
class Dismiss(_Step):
    input_class = ReasonsInput

    def run(self, request, appeal, data):
        services.dismiss(appeal, user=request.user, reasons=data["reasons"])


@_step_schema(
    "Ompröva",
    "Nytt beslut (FL 38–39 §§) eller nytt beslut efter återförvisning; aldrig lägre belopp.",
    ReconsiderInput,
)
class Reconsider(_Step):
    input_class = ReconsiderInput

    def run(self, request, appeal, data):
        services.reconsider(
            appeal,
            user=request.user,
            new_amount_ore=data["new_amount_ore"],
            reasons=data["reasons"],
            fully_as_requested=data["fully_as_requested"],
            kind=data["reconsideration_kind"],
        )


@_step_schema(
    "Lämna över", "Lämnar över till förvaltningsrätten som en PDF (FL 46 §).", ForwardInput
)
class Forward(_Step):
    input_class = ForwardInput

    def run(self, request, appeal, data):
        services.forward(appeal, user=request.user, statement=data.get("statement", ""))


@_step_schema("Domstolens avgörande", "Registrerar förvaltningsrättens avgörande.", CourtInput)
class Court(_Step):
    input_class = CourtInput

    def run(self, request, appeal, data):
        services.record_court_outcome(
            appeal,
            user=request.user,
            outcome=data["court_outcome"],
            decided_on=data["decided_on"],
            case_number=data.get("case_number", ""),
        )


def _delivery_data(application) -> dict:
    decision = services.decision_of(application)
    found = services.delivery_of(decision)
    return {
        "application": application.pk,
        "delivered_on": found.on,
        "how": found.how,
        "proven": found.proven,
        "period_end": found.period_end,
        "rows": found.rows,
    }


class DeliveryView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Delgivning av beslutet",
        description="När och hur beslutet kom fram, och sista dag att överklaga. Läsningen "
        "loggas i åtkomstloggen (ändamål API).",
        responses={200: DeliverySerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        application = _application(request, pk)
        record_access(
            request.user, case_id=application.case_id, purpose="API", view="api.appeals-delivery"
        )
        try:
            return Response(DeliverySerializer(_delivery_data(application)).data)
        except services.AppealError:
            raise Http404("Ansökan har inget beslut.") from None

    @extend_schema(
        tags=[TAG],
        summary="Registrera postgång",
        description="Skickat med post, och om det finns ett bevis: dagen beslutet kom fram.",
        request=PostInput,
        responses={
            200: DeliverySerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
            400: inline_serializer("Fel", {"detail": serializers.CharField()}),
        },
    )
    def post(self, request, pk: int):
        application = _application(request, pk)
        _decider(request)
        checked = PostInput(data=request.data)
        if not checked.is_valid():
            raise ValidationError(checked.errors)
        try:
            services.record_post(
                services.decision_of(application),
                user=request.user,
                sent_on=checked.validated_data["sent_on"],
                delivered_on=checked.validated_data.get("delivered_on"),
                evidence=checked.validated_data.get("evidence", ""),
            )
        except services.AppealError as error:
            return _refused(error)
        return Response(DeliverySerializer(_delivery_data(application)).data)


urlpatterns = [
    path("appeals/", AppealList.as_view(), name="appeals-list"),
    path("appeals/<int:pk>/", AppealDetail.as_view(), name="appeals-detail"),
    path("appeals/<int:pk>/examine/", Examine.as_view(), name="appeals-examine"),
    path("appeals/<int:pk>/dismiss/", Dismiss.as_view(), name="appeals-dismiss"),
    path("appeals/<int:pk>/reconsider/", Reconsider.as_view(), name="appeals-reconsider"),
    path("appeals/<int:pk>/forward/", Forward.as_view(), name="appeals-forward"),
    path("appeals/<int:pk>/court-outcome/", Court.as_view(), name="appeals-court-outcome"),
    path("applications/<int:pk>/delivery/", DeliveryView.as_view(), name="appeals-delivery"),
]
