"""The report page in a real headless browser (Debian's ``chromium``, installed by ``.ci/run``).

A copy of the page gets a probe script that measures the laid-out page (horizontal overflow,
visible figures, the diagram's markers inside its plot, the histogram under it) and writes
the measurements into the DOM, which ``--dump-dom`` returns; the page itself is screenshotted
as it is. The tests skip, saying why, where no chromium can be found.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from credscore import CredibilityModel
from credscore.report import evaluate, render_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH, HEIGHT = 1000, 1400
PROBE = """
<script>
(function () {
  const out = {};
  const de = document.documentElement;
  out.scrollWidth = de.scrollWidth;
  out.innerWidth = window.innerWidth;
  const figs = Array.from(document.querySelectorAll("span.v"));
  out.figures = figs.length;
  out.hiddenFigures = figs.filter(e => e.getBoundingClientRect().width === 0).length;
  const svg = document.querySelector("svg.reliability");
  const frame = svg.querySelector("rect").getBoundingClientRect();
  const circles = Array.from(svg.querySelectorAll("circle")).map(c => c.getBoundingClientRect());
  out.circles = circles.length;
  out.circlesInside = circles.filter(r => r.left + r.width / 2 >= frame.left - 0.5 &&
      r.left + r.width / 2 <= frame.right + 0.5 && r.top + r.height / 2 >= frame.top - 0.5 &&
      r.top + r.height / 2 <= frame.bottom + 0.5).length;
  const bars = Array.from(svg.querySelectorAll("rect.hist")).map(b => b.getBoundingClientRect());
  out.bars = bars.length;
  out.barsWithHeight = bars.filter(b => b.height > 0).length;
  out.barsBelowPlot = bars.filter(b => b.top >= frame.bottom).length;
  const v = document.querySelector("div.verdict");
  out.verdictTop = v.getBoundingClientRect().top;
  out.verdictText = v.innerText;
  out.verdictBackground = getComputedStyle(v).backgroundColor;
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def _browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        "no headless chromium on this machine (looked for " + ", ".join(BROWSERS) + "); "
        ".ci/run installs Debian's chromium: apt-get install -y chromium"
    )


def _run(browser: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"  # a fresh one each run
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page():
    from credscore.datasets.simulator import simulate

    tables, _ = simulate(n_statements=500, n_sources=40, random_state=11)
    model = CredibilityModel(base_learners=("logistic",), calibrators=("sigmoid",), cv=2)
    res = evaluate(model.fit(tables), tables, n_boot=40, n_sim=40, n_examples=5)
    return res, render_html(res)


def test_page_lays_out_in_a_real_browser(page, tmp_path):
    browser = _browser()
    res, html = page
    probe_page = tmp_path / "probe.html"
    probe_page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _run(browser, tmp_path, "--dump-dom", probe_page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    m = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert m, "the probe did not run: " + done.stdout[-500:]
    out = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert out["scrollWidth"] <= out["innerWidth"], "the page overflows horizontally"
    assert out["figures"] > 100 and out["hiddenFigures"] == 0
    n_bins = len(res["reliability"]["bins"])
    assert out["circles"] == out["circlesInside"] == n_bins  # every bin inside the plot
    assert out["bars"] == len(res["reliability"]["histogram"]["counts"])
    assert out["barsWithHeight"] == sum(c > 0 for c in res["reliability"]["histogram"]["counts"])
    assert out["barsBelowPlot"] == out["bars"]  # the histogram is under the diagram
    assert out["verdictTop"] < HEIGHT  # the verdict is on the first screen
    assert "Calibration:" in out["verdictText"] and "Against the baselines" in out["verdictText"]
    assert out["verdictBackground"] not in ("", "rgba(0, 0, 0, 0)")  # its colour is applied


def test_page_screenshot_is_not_blank(page, tmp_path):
    browser = _browser()
    _, html = page
    target = tmp_path / "report.html"
    target.write_text(html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    done = _run(browser, tmp_path, f"--screenshot={shot}", target.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = pytest.importorskip("PIL.Image")
    with image.open(shot) as im:
        assert im.size == (WIDTH, HEIGHT)
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, tables and the verdict's colour, not a blank page
