"""Test-only endpoints where each kind of key writes history-tracked rows (no public endpoint lets
a key write reference data yet; ordering and logistics will, through the same path)."""

from django.db import transaction
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from core.callers import get_caller
from core.errors import NotFound
from importorders.models import Dealer, LogisticsPartner
from importorders.services.dealers import DealerChanges, dealer_update


class DealerPhoneView(APIView):
    """A dealer's people or key change its phone number through the service (explicit actor)."""

    def post(self, request):
        caller = get_caller(request)
        if not caller.is_dealer:
            raise NotFound()
        dealer = Dealer.objects.get(pk=caller.dealer_id)
        dealer_update(dealer=dealer, actor=caller.actor, changes=DealerChanges(phone=request.data["phone"]))
        return Response({"ok": True})


class PartnerRenameView(APIView):
    """A partner key saves its own row the way an admin form would: no explicit actor, the request's."""

    def post(self, request):
        caller = get_caller(request)
        if not caller.is_partner:
            raise NotFound()
        with transaction.atomic():
            partner = LogisticsPartner.objects.get(pk=caller.partner_id)
            partner.name_en = request.data["name_en"]
            partner.save()
        return Response({"ok": True})


urlpatterns = [
    path("api/v1/test/dealer-phone/", DealerPhoneView.as_view()),
    path("api/v1/test/partner-name/", PartnerRenameView.as_view()),
    path("", include("config.urls")),
]
