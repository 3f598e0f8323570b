"""Planeringsmöten in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); name each route "planning-…".

The same rules as the pages (services.py): staff with a role read slots, the queue and the
meetings of the cases they see (else 404); publishing, withdrawing, inviting and recording an
outcome need a planning role (handläggare, gruppledare, arbetsmarknadssekreterare; else 403).
The applicant's own endpoints (``mina-sidor/planeringsmote/…``) use the e-service session and
only ever reach the applicant's own case.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from bistand.api.schema_limits import SMALLINT
from bistand.notifications.apiauth import ApplicantSession
from bistand.staff import access

from . import services
from .models import Booking, Mode, Outcome, Slot

TAG = "Planeringsmöten"
FORBIDDEN = OpenApiResponse(description="Inte inloggad, utan roll, eller bara läsbehörighet.")
NOT_FOUND = OpenApiResponse(description="Finns inte, eller du får inte se det.")
INVALID = OpenApiResponse(description="Ogiltiga uppgifter; svaret säger vad som är fel.")


def _refused(exc: Exception):
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc))
    return ValidationError({"detail": str(exc)})


@extend_schema_field(OpenApiTypes.STR)
class MeetingOutcomeField(serializers.ChoiceField):
    """held (genomfört), not_attended (uteblev) or rebooked (ombokat). A plain string in the
    schema: an enum named Outcome would collide with the decisions' outcome."""

    def __init__(self, **kwargs):
        super().__init__(choices=Outcome.choices, **kwargs)


class SlotSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Slot
        extra_kwargs = {"minutes": SMALLINT}  # the same schema on SQLite and PostgreSQL
        fields = ("id", "unit", "unit_name", "starts_at", "ends_at", "minutes", "mode", "place")
        read_only_fields = ("id",)


class BookingSerializer(serializers.ModelSerializer):
    slot = SlotSerializer(read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    outcome = serializers.CharField(
        read_only=True, help_text="'' (inget än), held, not_attended eller rebooked."
    )

    class Meta:
        model = Booking
        fields = (
            "id",
            "case",
            "case_reference",
            "application",
            "slot",
            "booked_at",
            "cancelled_at",
            "outcome",
            "outcome_at",
            "plan",
        )


class OutcomeSerializer(serializers.Serializer):
    outcome = MeetingOutcomeField(help_text="held, not_attended eller rebooked.")
    plan = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    new_slot = serializers.IntegerField(required=False, allow_null=True)


class WaitingSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case.pk")
    case_reference = serializers.CharField(source="case.reference")
    application = serializers.IntegerField(source="application.pk", allow_null=True)
    invited = serializers.BooleanField()
    arrived = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    remaining_seconds = serializers.SerializerMethodField()

    def get_remaining_seconds(self, row) -> int:
        return int(row.remaining.total_seconds())


class SlotList(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Kommande mötestider i mina enheter",
        responses={200: SlotSerializer(many=True)},
    )
    def get(self, request):
        return Response(SlotSerializer(services.slots_for(request.user), many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Lägg ut en mötestid",
        request=SlotSerializer,
        responses={201: SlotSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        if not services.can_plan(request.user):
            raise PermissionDenied("Du har bara läsbehörighet.")
        serializer = SlotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            slot = services.publish_slot(
                request.user,
                unit=data["unit"],
                starts_at=data["starts_at"],
                minutes=data.get("minutes", 45),
                mode=data.get("mode", Mode.PLACE),
                place=data["place"],
            )
        except (services.PlanningError, DjangoPermissionDenied) as exc:
            raise _refused(exc) from None
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class SlotDetail(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Ta bort en mötestid",
        responses={204: None, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, pk: int):
        slot = Slot.objects.filter(pk=pk, unit__in=access.profile(request.user).units.all()).first()
        if slot is None:
            raise NotFound("Tiden finns inte.")
        try:
            services.withdraw_slot(request.user, slot)
        except (services.PlanningError, DjangoPermissionDenied) as exc:
            raise _refused(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG], summary="Ärenden utan bokat eller hållet möte, mot klockan")
class WaitingList(APIView):
    @extend_schema(responses={200: WaitingSerializer(many=True)})
    def get(self, request):
        return Response(WaitingSerializer(services.waiting(request.user), many=True).data)


@extend_schema(tags=[TAG], summary="Bokade möten utan utfall i ärenden jag ser")
class BookingList(ListAPIView):
    serializer_class = BookingSerializer

    def get_queryset(self):
        return services.upcoming(self.request.user)


def _visible_booking(user, pk: int) -> Booking:
    booking = (
        Booking.objects.filter(pk=pk, case__in=access.cases_visible_to(user))
        .select_related("slot", "slot__unit", "case")
        .first()
    )
    if booking is None:
        raise NotFound("Mötet finns inte.")
    return booking


class BookingDetail(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Ett möte (loggas som åtkomst till ärendet)",
        responses={200: BookingSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        booking = _visible_booking(request.user, pk)
        access.record_access(
            request.user,
            case_id=booking.case_id,
            purpose="planeringsmöte",
            view="api:planning-booking",
        )
        return Response(BookingSerializer(booking).data)


class BookingOutcome(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Registrera mötets utfall och planering",
        request=OutcomeSerializer,
        responses={200: BookingSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        booking = _visible_booking(request.user, pk)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            booking = services.record_outcome(
                request.user,
                booking,
                data["outcome"],
                data.get("plan", ""),
                new_slot_id=data.get("new_slot"),
            )
        except (services.PlanningError, DjangoPermissionDenied) as exc:
            raise _refused(exc) from None
        return Response(BookingSerializer(booking).data)


class Invite(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Erbjud ärendet ett planeringsmöte",
        request=None,
        responses={201: None, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, case_id: int):
        case = access.cases_visible_to(request.user).filter(pk=case_id).first()
        if case is None:
            raise NotFound("Ärendet finns inte.")
        try:
            services.invite(request.user, case)
        except DjangoPermissionDenied as exc:
            raise _refused(exc) from None
        return Response(status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- the applicant


class OfferSerializer(serializers.Serializer):
    case = serializers.IntegerField(allow_null=True)
    booking = BookingSerializer(allow_null=True)
    within_24_hours = serializers.BooleanField()
    slots = SlotSerializer(many=True)


class BookSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    slot = serializers.IntegerField()


class MyMeeting(APIView):
    authentication_classes = ()
    permission_classes = (ApplicantSession,)

    @extend_schema(
        tags=[TAG],
        summary="Mitt planeringsmöte och lediga tider (Mina sidor)",
        responses={200: OfferSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        case = services.offer_for(request.applicant)
        if case is None:
            data = {"case": None, "booking": None, "within_24_hours": False, "slots": []}
        else:
            offer = services.offered_slots(case)
            data = {
                "case": case.pk,
                "booking": services.current_booking(case),
                "within_24_hours": offer.within_clock,
                "slots": offer.slots,
            }
        return Response(OfferSerializer(data).data)

    @extend_schema(
        tags=[TAG],
        summary="Boka (eller boka om till) en tid",
        request=BookSerializer,
        responses={201: BookingSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        serializer = BookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = next(
            (
                c
                for c in services.cases_of(request.applicant)
                if c.pk == serializer.validated_data["case"]
            ),
            None,
        )
        if case is None:
            raise PermissionDenied("Ärendet är inte ditt.")
        try:
            booking = services.book(request.applicant, case, serializer.validated_data["slot"])
        except (services.PlanningError, DjangoPermissionDenied) as exc:
            raise _refused(exc) from None
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Avboka mitt möte",
        responses={204: None, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request):
        case = services.offer_for(request.applicant)
        booking = services.current_booking(case) if case else None
        if booking is None:
            raise NotFound("Du har inget bokat möte.")
        try:
            services.cancel(request.applicant, booking)
        except (services.PlanningError, DjangoPermissionDenied) as exc:
            raise _refused(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("planning/slots/", SlotList.as_view(), name="planning-slots"),
    path("planning/slots/<int:pk>/", SlotDetail.as_view(), name="planning-slot"),
    path("planning/waiting/", WaitingList.as_view(), name="planning-waiting"),
    path("planning/bookings/", BookingList.as_view(), name="planning-bookings"),
    path("planning/bookings/<int:pk>/", BookingDetail.as_view(), name="planning-booking"),
    path("planning/bookings/<int:pk>/outcome/", BookingOutcome.as_view(), name="planning-outcome"),
    path("planning/cases/<int:case_id>/invite/", Invite.as_view(), name="planning-invite"),
    path("mina-sidor/planeringsmote/", MyMeeting.as_view(), name="planning-mine"),
]
