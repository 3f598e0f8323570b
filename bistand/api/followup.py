"""The follow-up's measures through the API: the same tables and key figures as the pages at
/uppfoljning/, with the same permissions (gruppledare their units; administratör and
granskare the municipality; everyone else 403). Only counts and shares: no case is opened, so
nothing is written to the access log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.followup import access, keyfigures
from bistand.followup.measures import TABLES
from bistand.staff import access as staff_access

FORBIDDEN = OpenApiResponse(
    description="Inte inloggad, eller utan rollen gruppledare, administratör eller granskare."
)


class FollowupRole(BasePermission):
    message = "Uppföljningen är för gruppledare, administratörer och granskare."

    def has_permission(self, request, view) -> bool:
        return staff_access.has_role(request.user, *access.ROLES)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Nyckeln i raderna.")
    label = serializers.CharField(help_text="Kolumnens rubrik på svenska.")
    kind = serializers.CharField(
        help_text="Hur värdet läses: text; int = antal; share = andel 0–1; hours = timmar; "
        "decimal = tal."
    )


class TableSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Tabellens id (samma som i CSV-länken på sidan).")
    caption = serializers.CharField(help_text="Tabellens rubrik.")
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="En rad per grupp: kolumnernas nycklar → värde."
    )
    notes = serializers.ListField(child=serializers.CharField(), help_text="Förklaringar.")
    unit_ids = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Enheterna som räknades; null = hela kommunen.",
    )
    first_month = serializers.CharField(help_text="Periodens första månad, ÅÅÅÅ-MM.")
    last_month = serializers.CharField(help_text="Periodens sista månad, ÅÅÅÅ-MM.")


class FigureSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="share = andel 0–1; hours = timmar.")
    value = serializers.FloatField(allow_null=True, help_text="Andel 0–1 eller timmar.")
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="Har hela underlaget hunnit gå?")


class FollowupMunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class KeyFiguresSerializer(serializers.Serializer):
    municipality = FollowupMunicipalitySerializer()
    units = serializers.ListField(child=serializers.CharField(), allow_null=True)
    year = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    figures = FigureSerializer(many=True)


SCOPE_PARAMETERS = [
    OpenApiParameter("enhet", int, description="En enhets id; utan: alla enheter du får se."),
    OpenApiParameter(
        "fran", str, description="Första månad, ÅÅÅÅ-MM (standard: 11 månader före till-månaden)."
    ),
    OpenApiParameter("till", str, description="Sista månad, ÅÅÅÅ-MM (standard: innevarande)."),
]


class FollowupTableView(APIView):
    permission_classes = (FollowupRole,)

    @extend_schema(
        tags=["Uppföljning"],
        summary="En tabell ur uppföljningen",
        description="Samma tabell som på sidorna under /uppfoljning/ och i deras CSV. Tabeller: "
        + ", ".join(TABLES)
        + ". Definitionerna står i docs/followup.md.",
        parameters=[
            OpenApiParameter("table_id", str, OpenApiParameter.PATH, enum=list(TABLES)),
            *SCOPE_PARAMETERS,
        ],
        responses={
            200: TableSerializer,
            400: OpenApiResponse(description="Ett filter har ett ogiltigt värde."),
            403: FORBIDDEN,
            404: OpenApiResponse(description="Ingen sådan tabell."),
        },
    )
    def get(self, request, table_id: str):
        if table_id not in TABLES:
            raise NotFound("Ingen sådan tabell.")
        try:
            scope, form = access.scope_for(request.user, request.query_params)
        except PermissionDenied as exc:  # pragma: no cover - the permission class runs first
            raise ApiPermissionDenied(str(exc)) from None
        if form.is_bound and form.errors:
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        table = TABLES[table_id](scope).as_dict()
        table.update(
            unit_ids=None if scope.units is None else list(scope.units),
            first_month=scope.first,
            last_month=scope.last,
        )
        return Response(table)


class KeyFiguresView(APIView):
    permission_classes = (FollowupRole,)

    @extend_schema(
        tags=["Uppföljning"],
        summary="Nyckeltal för ett år",
        description="Koladas nyckeltal för ett kalenderår: långvarigt bistånd, inte tillbaka "
        "inom ett år efter avslut, handläggningstid. Samma som sidan Nyckeltal och "
        "`bistand followup keyfigures`.",
        parameters=[OpenApiParameter("ar", int, description="Kalenderår (standard: förra året).")],
        responses={
            200: KeyFiguresSerializer,
            400: OpenApiResponse(description="Okänt år."),
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        staff = staff_access.require_role(request.user, *access.ROLES)
        _, year, error = keyfigures.year_choice(request.query_params.get("ar"))
        if error:
            raise ValidationError({"ar": [error]})
        figures = keyfigures.compute(
            staff.municipality_id, year, units=access.allowed_units(request.user)
        )
        return Response(figures)
