"""Kommunicering in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); each route is named "kommunicering-…".

Same rules as the pages: staff with a role (``StaffWithRole``); an application the user does not
see is 404; sending and recording a waiver need a role that decides (403 otherwise). Reading
writes the access log (purpose "API").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.audit.services import record_access
from bistand.staff import access

from . import services
from .models import Kommunicering, Waiver, WaiverGround

TAG = "Kommunicering"
PURPOSE = "API"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, utan roll, eller bara läsbehörighet.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")
BAD = OpenApiResponse(description="Ogiltiga uppgifter; meddelandet säger varför.")


class KommuniceringSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="besvarad, väntar på svar, …")
    material_html = serializers.SerializerMethodField(
        help_text="Materialet som skickades och svaret, som HTML."
    )

    class Meta:
        model = Kommunicering
        fields = (
            "id",
            "application",
            "sent_at",
            "deadline",
            "material",
            "material_sha256",
            "answer",
            "answered_at",
            "status",
            "material_html",
        )
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return services.status_text(obj)

    def get_material_html(self, obj) -> str:
        return str(services.material_html(obj))


class SendSerializer(serializers.Serializer):
    material = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        help_text="Nycklar för material att skicka: flag-<index i förslagets flaggor>, "
        "cap-<kostnadstyp> (kostnad begränsad till riktlinjen), adj-<id> (handläggarens ändring).",
    )
    text = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_TEXT)
    deadline = serializers.DateField(
        required=False, help_text="Sista dag för svar; utan: parameterns förslag."
    )


class WaiverSerializer(serializers.ModelSerializer):
    ground = serializers.ChoiceField(choices=WaiverGround.choices)

    class Meta:
        model = Waiver
        fields = ("id", "application", "ground", "text", "recorded_at")
        read_only_fields = ("id", "application", "recorded_at")


def _application(request, pk: int, *, act: bool = False):
    application = get_object_or_404(
        access.applications_visible_to(request.user).select_related("case"), pk=pk
    )
    if act and not access.can_decide(request.user):
        raise ApiPermissionDenied("Du har bara läsbehörighet.")
    return application


class ApplicationKommuniceringView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Kommuniceringar för en ansökan",
        description="De skickade kommuniceringarna, äldst först. Läsningen loggas.",
        responses={200: KommuniceringSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        application = _application(request, pk)
        record_access(request.user, case_id=application.case_id, purpose=PURPOSE, view="api")
        return Response(
            KommuniceringSerializer(services.for_application(application), many=True).data
        )

    @extend_schema(
        tags=[TAG],
        summary="Skicka kommunicering",
        description="Skickar valt material med sista dag för svar till den sökande "
        "(förvaltningslagen 25 §). Kräver en roll som beslutar.",
        request=SendSerializer,
        responses={201: KommuniceringSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        application = _application(request, pk, act=True)
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            sent = services.send(
                application,
                user=request.user,
                keys=list(data.validated_data["material"]),
                text=data.validated_data.get("text", ""),
                deadline=data.validated_data.get("deadline") or services.default_deadline(),
            )
        except services.KommuniceringError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from None
        return Response(KommuniceringSerializer(sent).data, status=status.HTTP_201_CREATED)


class KommuniceringDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="En kommunicering",
        description="Materialet som skickades och svaret. Läsningen loggas.",
        responses={200: KommuniceringSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        found = get_object_or_404(
            Kommunicering.objects.filter(
                application__in=access.applications_visible_to(request.user)
            ).select_related("application"),
            pk=pk,
        )
        record_access(request.user, case_id=found.application.case_id, purpose=PURPOSE, view="api")
        return Response(KommuniceringSerializer(found).data)


class WaiverView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Besluta utan kommunicering",
        description="Registrerar skälet att besluta utan att kommunicera eller vänta på svar "
        "(förvaltningslagen 25 § andra stycket). Kräver en roll som beslutar.",
        request=WaiverSerializer,
        responses={201: WaiverSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        application = _application(request, pk, act=True)
        data = WaiverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            waiver = services.record_waiver(
                application,
                user=request.user,
                ground=data.validated_data["ground"],
                text=data.validated_data["text"],
            )
        except services.KommuniceringError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as error:
            raise ApiPermissionDenied(str(error)) from None
        return Response(WaiverSerializer(waiver).data, status=status.HTTP_201_CREATED)


# The routes (this module is included by bistand/api/urls.py).
from django.urls import path  # noqa: E402

urlpatterns = [
    path(
        "applications/<int:pk>/kommunicering/",
        ApplicationKommuniceringView.as_view(),
        name="kommunicering-list",
    ),
    path(
        "applications/<int:pk>/kommunicering/waiver/",
        WaiverView.as_view(),
        name="kommunicering-waiver",
    ),
    path("kommunicering/<int:pk>/", KommuniceringDetailView.as_view(), name="kommunicering-detail"),
]
