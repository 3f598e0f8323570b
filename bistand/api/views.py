"""The REST API: read-only, the same rules as the caseworker pages.

Every queryset starts from ``bistand.staff.access``: a case the user may not see is not in a
list and its detail is 404. Reading one case, application, decision or payment writes the
access log (purpose "API"). Decisions are made in the workspace, not here: there are no write
endpoints.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from bistand.audit.services import record_access
from bistand.cases.models import State
from bistand.decisions.models import Decision, Outcome
from bistand.payments.models import PaymentOrder, PaymentStatus
from bistand.staff import access

from . import serializers as s

ACCESS_PURPOSE = "API"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, eller utan roll i Bistånd.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")
BAD_FILTER = OpenApiResponse(description="Ett filter har ett ogiltigt värde.")


def list_schema(tag, summary, description, serializer, filters=None):
    responses = {200: serializer(many=True), 403: FORBIDDEN}
    if filters:
        responses[400] = BAD_FILTER
    return extend_schema(
        tags=[tag],
        summary=summary,
        description=description,
        parameters=[filters] if filters else None,
        responses=responses,
    )


def detail_schema(tag, summary, description, serializer):
    return extend_schema(
        tags=[tag],
        summary=summary,
        description=f"{description} Läsningen loggas i åtkomstloggen (ändamål API).",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id i Bistånd.")
        ],
        responses={200: serializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )


class MonthFilter(serializers.Serializer):
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="Ansökans månad, ÅÅÅÅ-MM.",
        error_messages={"invalid": "Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-03."},
    )


class ApplicationFilter(MonthFilter):
    state = serializers.ChoiceField(choices=State.choices, required=False, help_text="Status.")


class DecisionFilter(MonthFilter):
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, help_text="Utfall.")


class PaymentFilter(MonthFilter):
    status = serializers.ChoiceField(
        choices=PaymentStatus.choices, required=False, help_text="Utbetalningens status."
    )


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail; the detail read is logged against its case."""

    filter_class: type[serializers.Serializer] | None = None
    #: (query parameter, queryset lookup) pairs
    filter_fields: tuple[tuple[str, str], ...] = ()

    def filters(self) -> dict:
        if self.filter_class is None or self.action != "list":
            return {}
        checked = self.filter_class(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        lookups = dict(self.filter_fields)
        return {
            lookups[name]: value
            for name, value in checked.validated_data.items()
            if value not in (None, "")
        }

    def case_id(self, obj) -> int:
        raise NotImplementedError

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()  # 404 unless visible
        record_access(
            request.user,
            case_id=self.case_id(obj),
            purpose=ACCESS_PURPOSE,
            view=f"api.{self.basename}-detail",
        )
        return Response(self.get_serializer(obj).data)


@extend_schema_view(
    list=list_schema(
        "Ärenden",
        "Ärenden",
        "De ärenden du får se: dina enheters (handläggare, gruppledare) eller hela kommunens "
        "(administratör, granskare); ärenden med skyddade personuppgifter bara om du har "
        "behörighet till dem. Senast öppnade först.",
        s.CaseListSerializer,
    ),
    retrieve=detail_schema(
        "Ärenden",
        "Ett ärende",
        "Ärendet med hushållets medlemmar och ansökningar.",
        s.CaseDetailSerializer,
    ),
)
class CaseViewSet(ReadOnlyViewSet):
    def get_queryset(self):
        cases = access.cases_visible_to(self.request.user).select_related("unit")
        if self.action == "retrieve":
            cases = cases.select_related("municipality", "household").prefetch_related(
                "household__members__person", "applications"
            )
        return cases.order_by("-opened_at", "-pk")

    def get_serializer_class(self):
        return s.CaseDetailSerializer if self.action == "retrieve" else s.CaseListSerializer

    def case_id(self, obj) -> int:
        return obj.pk


@extend_schema_view(
    list=list_schema(
        "Ansökningar",
        "Ansökningar",
        "Ansökningarna i de ärenden du får se, senaste månaden först.",
        s.ApplicationListSerializer,
        ApplicationFilter,
    ),
    retrieve=detail_schema(
        "Ansökningar",
        "En ansökan",
        "Ansökan med vad den sökande uppgav, statusändringarna, beslutsförslaget med flaggor "
        "och beslutets id.",
        s.ApplicationDetailSerializer,
    ),
)
class ApplicationViewSet(ReadOnlyViewSet):
    filter_class = ApplicationFilter
    filter_fields = (("month", "month"), ("state", "state"))

    def get_queryset(self):
        applications = (
            access.applications_visible_to(self.request.user)
            .filter(**self.filters())
            .select_related("case", "proposal")
        )
        if self.action == "retrieve":
            applications = applications.select_related("decision").prefetch_related("transitions")
        return applications.order_by("-month", "-pk")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.ApplicationDetailSerializer
        return s.ApplicationListSerializer

    def case_id(self, obj) -> int:
        return obj.case_id


@extend_schema_view(
    list=list_schema(
        "Beslut",
        "Beslut",
        "Besluten i de ärenden du får se, med beslutspunkter, senaste först.",
        s.DecisionSerializer,
        DecisionFilter,
    ),
    retrieve=detail_schema(
        "Beslut",
        "Ett beslut",
        "Beslutet med vem som beslutade (en handläggare, eller den automatiserade "
        "beslutsfunktionen med version och delegationsbeslut), regelversion, "
        "parameterversioner och beslutspunkter.",
        s.DecisionSerializer,
    ),
)
class DecisionViewSet(ReadOnlyViewSet):
    serializer_class = s.DecisionSerializer
    filter_class = DecisionFilter
    filter_fields = (("month", "application__month"), ("outcome", "outcome"))

    def get_queryset(self):
        return (
            Decision.objects.filter(
                application__in=access.applications_visible_to(self.request.user),
                **self.filters(),
            )
            .select_related("application", "decided_by", "four_eyes_approver")
            .prefetch_related("items")
            .order_by("-decided_at", "-pk")
        )

    def case_id(self, obj) -> int:
        return obj.application.case_id


@extend_schema_view(
    list=list_schema(
        "Utbetalningar",
        "Utbetalningar",
        "Utbetalningsuppdragen i de ärenden du får se, med status och utbetalningsdag, "
        "senaste utbetalningsdagen först.",
        s.PaymentOrderSerializer,
        PaymentFilter,
    ),
    retrieve=detail_schema(
        "Utbetalningar", "En utbetalning", "Ett utbetalningsuppdrag.", s.PaymentOrderSerializer
    ),
)
class PaymentViewSet(ReadOnlyViewSet):
    serializer_class = s.PaymentOrderSerializer
    filter_class = PaymentFilter
    filter_fields = (("month", "application__month"), ("status", "status"))

    def get_queryset(self):
        return (
            PaymentOrder.objects.filter(
                application__in=access.applications_visible_to(self.request.user),
                **self.filters(),
            )
            .select_related("application")
            .order_by("-due_date", "-pk")
        )

    def case_id(self, obj) -> int:
        return obj.application.case_id
