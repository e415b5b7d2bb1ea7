"""The «Segnala» links: the fixed text is quoted once, and the link is still exactly urlencode's."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from reti_adi.site.pages.report import MAIL_BODY, MAIL_SUBJECT, ReportChannels


@pytest.mark.parametrize("service_id", ["servizio-00001", "a", "sportello-è-aperto", "x&y=z?#%", "spazio e più"])
def test_the_mail_link_is_the_urlencoded_subject_and_body(service_id):
    link = ReportChannels(None, "segnalazioni@comune.example.it").mail_link(service_id, "Qualsiasi titolo")
    expected = urlencode({"subject": MAIL_SUBJECT.format(service_id), "body": MAIL_BODY.format(service_id)},
                         quote_via=quote)
    assert link == f"mailto:segnalazioni@comune.example.it?{expected}"
    query = parse_qs(urlsplit(link).query)
    assert query["subject"] == [f"Correzione al catalogo: servizio {service_id}"]
    assert query["body"][0].startswith(f"Servizio: {service_id}\n")
    assert "dati personali" in query["body"][0]


def test_no_mail_link_without_an_address():
    assert ReportChannels("https://moduli.example.it/segnala", None).mail_link("servizio-1", "t") is None
