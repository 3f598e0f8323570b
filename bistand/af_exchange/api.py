"""Utbyte med Arbetsförmedlingen in the REST API (read-only): included under /api/v1/ in the
``api`` namespace (bistand/api/urls.py); routes named "af_exchange-…".

The same rules as the case view: a case the user does not see is 404; reading it writes the
access log. No personnummer in any answer: persons by id and name.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.api.schema_limits import SMALLINT
from bistand.staff import access

from . import services
from .models import AfNotice, NoticeKind, OutgoingAfNotice

TAG = "Arbetsförmedlingen"


class AfOutgoingNoticeSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()

    class Meta:
        model = OutgoingAfNotice
        extra_kwargs = {"attempts": SMALLINT}  # the same schema on SQLite and PostgreSQL
        fields = (
            "id",
            "person",
            "person_name",
            "month",
            "reason",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
            "reference",
        )

    def get_person_name(self, obj) -> str:
        return f"{obj.person.given_name} {obj.person.family_name}".strip()


class AfIncomingNoticeSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    notice_kind = serializers.ChoiceField(
        source="kind",
        choices=NoticeKind.choices,
        help_text="too_little_occupation: för låg sysselsättning; programme_participation: "
        "deltar i ett arbetsmarknadspolitiskt program (full_time: på heltid).",
    )
    programme = serializers.SerializerMethodField()

    class Meta:
        model = AfNotice
        fields = (
            "id",
            "person",
            "person_name",
            "notice_kind",
            "full_time",
            "programme",
            "period_start",
            "period_end",
            "received_at",
            "reference",
        )

    def get_person_name(self, obj) -> str:
        return f"{obj.person.given_name} {obj.person.family_name}".strip()

    def get_programme(self, obj) -> str | None:
        return (obj.payload or {}).get("program")


class AfCaseExchangeSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    outgoing = AfOutgoingNoticeSerializer(many=True)
    incoming = AfIncomingNoticeSerializer(many=True)


class CaseExchange(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Ärendets utbyte med Arbetsförmedlingen",
        description=(
            "Underrättelser till Arbetsförmedlingen (att någon kan omfattas av aktivitetskravet) "
            "med status, och underrättelser från Arbetsförmedlingen (för låg sysselsättning, "
            "programdeltagande) för ärendets personer. Läsningen loggas."
        ),
        responses={
            200: AfCaseExchangeSerializer,
            403: OpenApiResponse(description="Inte inloggad eller utan roll."),
            404: OpenApiResponse(description="Finns inte, eller du får inte se det."),
        },
    )
    def get(self, request, pk: int):
        case = access.open_case(request.user, pk, purpose="API", view="api:af_exchange-case")
        outgoing, incoming = services.exchange_of_case(case)
        return Response(
            AfCaseExchangeSerializer(
                {"case": case.pk, "outgoing": outgoing, "incoming": incoming}
            ).data
        )


urlpatterns = [
    path(
        "cases/<int:pk>/af-exchange/",
        CaseExchange.as_view(),
        name="af_exchange-case",
    ),
]
