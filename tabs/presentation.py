"""Presentation mode for every page: larger text and plots for a projector.

Turn it on with ``?present=1`` in any page's URL (``?present=0`` turns it off) or with the
"Projector" button in the corner; the choice is kept for the browser tab while the class moves
between pages. It adds the class ``present`` to <html>: ``tabs/style.css`` then raises the theme's
text sizes, and the script below re-lays out every plotly figure with larger fonts and height
(CSS zoom would scale too, but plotly then measures its own size wrong and overprints labels).
"""

HEAD = """
<script>
(function () {
  var KEY = "embedding-lab-present";
  var params = new URLSearchParams(window.location.search);
  var on = params.has("present") ? params.get("present") !== "0" : sessionStorage.getItem(KEY) === "1";
  function apply(value) {
    on = value;
    document.documentElement.classList.toggle("present", on);
    sessionStorage.setItem(KEY, on ? "1" : "0");
    var b = document.getElementById("present-toggle");
    if (b) { b.textContent = on ? "Projector: on" : "Projector: off"; b.setAttribute("aria-pressed", on); }
  }
  var SCALE = 1.4;
  function scalePlot(gd) {  // plotly figures set their font sizes inline, so CSS cannot reach them
    if (!on || !window.Plotly || !gd.layout || gd.__presentBusy) return;
    var size = (gd.layout.font && gd.layout.font.size) || 12;
    if (gd.__presentSize === size) return;  // already ours
    gd.__presentSize = Math.round(size * SCALE);
    gd.__presentBusy = true;
    var update = {"font.size": gd.__presentSize};
    if (gd.layout.height) update.height = Math.round(gd.layout.height * 1.2);
    if (gd.layout.title && gd.layout.title.font && gd.layout.title.font.size)
      update["title.font.size"] = Math.round(gd.layout.title.font.size * SCALE);
    window.Plotly.relayout(gd, update).then(function () { gd.__presentBusy = false; },
                                           function () { gd.__presentBusy = false; });
  }
  function scaleAll() { document.querySelectorAll(".js-plotly-plot").forEach(scalePlot); }
  new MutationObserver(function () { if (on) scaleAll(); })
    .observe(document.documentElement, {childList: true, subtree: true});
  apply(on);
  function addButton() {
    if (document.getElementById("present-toggle")) return;
    var b = document.createElement("button");
    b.id = "present-toggle";
    b.type = "button";
    b.title = "Larger text and plots for a projector (or add ?present=1 to the address)";
    b.addEventListener("click", function () {
      apply(!on);
      if (on) scaleAll(); else window.location.reload();  // back to the figures' own sizes
    });
    document.body.appendChild(b);
    apply(on);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButton);
  else addButton();
})();
</script>
"""
