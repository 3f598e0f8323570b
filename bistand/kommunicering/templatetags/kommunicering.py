"""``{% registers_asked %}``: which registers the robot will ask and why, for the e-service's
page before signing (issue 12 part 6)."""

from django import template

from bistand.kommunicering.services import REGISTER_LAW, REGISTERS

register = template.Library()


@register.inclusion_tag("kommunicering/_registers_asked.html")
def registers_asked():
    return {"registers": REGISTERS, "law": REGISTER_LAW}
