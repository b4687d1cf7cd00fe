"""`{% order_watching order as watching %}`: whether the signed-in person watches the order."""

from django import template

from importorders.models import OrderWatch

register = template.Library()


@register.simple_tag(takes_context=True)
def order_watching(context, order) -> bool:
    """One indexed query, unless the view already set `order.watching` (e.g. annotated in its list)."""
    known = getattr(order, "watching", None)
    if known is not None:
        return bool(known)
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return OrderWatch.objects.filter(order_id=order.pk, user_id=user.pk).exists()
