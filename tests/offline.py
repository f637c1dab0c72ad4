"""One way to open a published page in Chromium with the network blocked, shared by the
browser tests (:mod:`test_site_browser`, :mod:`test_accessibility`,
:mod:`test_explorers_browser`): every request other than ``file:``, ``data:`` and ``blob:`` is
aborted and recorded."""

from __future__ import annotations

#: The viewport of the browser tests (a laptop's screen).
LAPTOP = {"width": 1366, "height": 768}
#: Addresses that stay on the machine.
LOCAL = ("file:", "data:", "blob:")


def offline_context(browser, network: list[str], **options):
    """A new browser context (laptop viewport, service workers blocked, ``options`` such as
    ``java_script_enabled`` or ``bypass_csp``) in which every request that would leave the
    machine is aborted and its address appended to ``network`` (once each). The caller closes
    it."""
    context = browser.new_context(viewport=LAPTOP, service_workers="block", **options)

    def route(r) -> None:
        url = r.request.url
        if url.startswith(LOCAL):
            r.continue_()
        else:
            if url not in network:
                network.append(url)
            r.abort()

    context.route("**/*", route)
    return context
