"""Underrättelser in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); name each route "underrattelse-…".

Staff only, the same rules as the pages: cases the user sees (else 404), recording only for a
deciding role (else 403). There is no applicant API for notices.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.audit.services import record_access
from bistand.staff import access

from . import services
from .models import Authority, Underrattelse
from .views import visible

TAG = "Underrättelser"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, utan roll, eller bara läsbehörighet.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")


class UnderrattelseSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference")
    created_by = serializers.CharField(source="created_by.get_full_name")

    class Meta:
        model = Underrattelse
        fields = (
            "id",
            "case",
            "case_reference",
            "application",
            "person",
            "authority",
            "authority_detail",
            "benefit",
            "ground",
            "created_by",
            "created_at",
        )


class UnderrattelseListSerializer(UnderrattelseSerializer):
    """A list row: what and to whom, not about whom or why (the detail has those, and its
    reading is access-logged; docs/api.md)."""

    class Meta(UnderrattelseSerializer.Meta):
        fields = tuple(
            f for f in UnderrattelseSerializer.Meta.fields if f not in ("person", "ground")
        )


class UnderrattelseCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    person = serializers.IntegerField(help_text="En person i hushållet (person-id).")
    authority = serializers.ChoiceField(choices=Authority.choices)
    authority_detail = serializers.CharField(max_length=200, required=False, default="")
    benefit = serializers.CharField(max_length=200)
    ground = serializers.CharField(max_length=4000)


class UnderrattelseList(ListAPIView):
    serializer_class = UnderrattelseListSerializer

    def get_queryset(self):
        return visible(self.request.user).order_by("-pk")

    @extend_schema(tags=[TAG], summary="Underrättelser i ärendena du ser")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        summary="Registrera en underrättelse (lag 2008:206)",
        request=UnderrattelseCreateSerializer,
        responses={
            201: UnderrattelseSerializer,
            400: OpenApiResponse(),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        if not access.can_decide(request.user):
            raise PermissionDenied("Du har bara läsbehörighet.")
        data = UnderrattelseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        application = get_object_or_404(
            access.applications_visible_to(request.user), pk=values["application"]
        )
        person = next(
            (m.person for m in services.members(application) if m.person_id == values["person"]),
            None,
        )
        if person is None:
            return Response({"person": ["Personen finns inte i hushållet."]}, status=400)
        try:
            notice = services.create(
                application,
                user=request.user,
                person=person,
                authority=values["authority"],
                authority_detail=values["authority_detail"],
                benefit=values["benefit"],
                ground=values["ground"],
            )
        except services.UnderrattelseError as error:
            return Response({"detail": str(error)}, status=400)
        return Response(UnderrattelseSerializer(notice).data, status=201)


class UnderrattelseDetail(APIView):
    @extend_schema(
        tags=[TAG],
        summary="En underrättelse",
        description="Läsningen loggas i åtkomstloggen (ändamål API).",
        responses={200: UnderrattelseSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        notice = visible(request.user).filter(pk=pk).first()
        if notice is None:
            raise NotFound("Underrättelsen finns inte.")
        record_access(request.user, case_id=notice.case_id, purpose="API", view="api:underrattelse")
        return Response(UnderrattelseSerializer(notice).data)


urlpatterns = [
    path("underrattelser/", UnderrattelseList.as_view(), name="underrattelse-list"),
    path("underrattelser/<int:pk>/", UnderrattelseDetail.as_view(), name="underrattelse-detail"),
]
