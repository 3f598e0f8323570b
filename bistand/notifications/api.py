"""Aviseringar in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); name each route "notifications-…".

* The applicant's own contact details (``mina-sidor/aviseringar/``): read, set, remove; only
  with the e-service session, only their own.
* Staff: whether a case's adults consented (never the addresses), and the failed notices of
  the cases they may see.
"""

from __future__ import annotations

from django.core.validators import validate_email
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.api.schema_limits import SMALLINT
from bistand.cases.models import HouseholdMember
from bistand.staff import access

from . import services
from .apiauth import ApplicantSession
from .models import ContactPreference, Notice, Status

TAG = "Aviseringar"


class ContactSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=30)
    consent = serializers.BooleanField(
        write_only=True, help_text="Måste vara true för att uppgifterna ska sparas."
    )
    consented_at = serializers.DateTimeField(read_only=True)

    def validate_email(self, value):
        if value:
            try:
                validate_email(value)
            except Exception:
                raise serializers.ValidationError(
                    "Skriv en e-postadress, till exempel namn@exempel.se."
                ) from None
        return value

    def validate_mobile(self, value):
        try:
            return services.normalise_mobile(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate(self, data):
        if not data.get("email") and not data.get("mobile"):
            raise serializers.ValidationError(
                "Skriv en e-postadress eller ett mobilnummer (ta bort uppgifterna med DELETE)."
            )
        if not data.get("consent"):
            raise serializers.ValidationError({"consent": "Samtycke krävs för att spara."})
        return data


class ContactView(APIView):
    authentication_classes = ()
    permission_classes = (ApplicantSession,)

    @extend_schema(
        tags=[TAG],
        summary="Mina kontaktuppgifter för aviseringar",
        responses={200: ContactSerializer, 404: OpenApiResponse(description="Inga uppgifter.")},
    )
    def get(self, request):
        pref = get_object_or_404(ContactPreference, person=request.applicant)
        return Response(ContactSerializer(pref).data)

    @extend_schema(
        tags=[TAG],
        summary="Spara mina kontaktuppgifter (med samtycke)",
        request=ContactSerializer,
        responses={200: ContactSerializer},
    )
    def put(self, request):
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pref = services.save_preference(
            request.applicant,
            email=serializer.validated_data.get("email", ""),
            mobile=serializer.validated_data.get("mobile", ""),
        )
        return Response(ContactSerializer(pref).data)

    @extend_schema(tags=[TAG], summary="Ta bort mina kontaktuppgifter", responses={204: None})
    def delete(self, request):
        services.remove_preference(request.applicant)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsentSerializer(serializers.Serializer):
    role = serializers.CharField()
    consent = serializers.BooleanField()


class CaseConsentView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Har ärendets vuxna samtyckt till aviseringar? (aldrig adresserna)",
        responses={
            200: ConsentSerializer(many=True),
            404: OpenApiResponse(description="Finns inte."),
        },
    )
    def get(self, request, case_id: int):
        case = access.open_case(
            request.user, case_id, purpose="aviseringar", view="api:notifications-consent"
        )
        members = HouseholdMember.objects.filter(
            household_id=case.household_id, role__in=("applicant", "partner")
        ).order_by("role", "pk")
        consenting = set(
            ContactPreference.objects.filter(person__in=[m.person_id for m in members]).values_list(
                "person_id", flat=True
            )
        )
        seen, rows = set(), []
        for m in members:
            if m.person_id not in seen:
                seen.add(m.person_id)
                rows.append({"role": m.role, "consent": m.person_id in consenting})
        return Response(ConsentSerializer(rows, many=True).data)


class FailedNoticeSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="Händelsen, t.ex. decision_made.")
    channel = serializers.CharField(read_only=True, help_text="email eller sms.")

    class Meta:
        model = Notice
        extra_kwargs = {"attempts": SMALLINT}  # the same schema on SQLite and PostgreSQL
        fields = (
            "id",
            "case",
            "kind",
            "channel",
            "attempts",
            "created_at",
            "failed_at",
            "last_error",
        )


@extend_schema(tags=[TAG], summary="Aviseringar som inte gick att skicka")
class FailedNoticeList(ListAPIView):
    serializer_class = FailedNoticeSerializer

    def get_queryset(self):
        return Notice.objects.filter(
            status=Status.FAILED, case__in=access.cases_visible_to(self.request.user)
        ).order_by("-failed_at", "-pk")


urlpatterns = [
    path("mina-sidor/aviseringar/", ContactView.as_view(), name="notifications-contact"),
    path(
        "notifications/cases/<int:case_id>/consent/",
        CaseConsentView.as_view(),
        name="notifications-consent",
    ),
    path("notifications/failed/", FailedNoticeList.as_view(), name="notifications-failed"),
]
