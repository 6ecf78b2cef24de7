"""Presentation mode for every page: larger text and plots for a projector.

Turn it on with ``?present=1`` in any page's URL (``?present=0`` turns it off) or with the
"Projector" button in the corner; the choice is kept for the browser tab while the class moves
between pages. It adds the class ``present`` to <html>; ``tabs/style.css`` scales the page
(``zoom``), so plots, tables and text grow together and still fit the screen's width.
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
  apply(on);
  function addButton() {
    if (document.getElementById("present-toggle")) return;
    var b = document.createElement("button");
    b.id = "present-toggle";
    b.type = "button";
    b.title = "Larger text and plots for a projector (or add ?present=1 to the address)";
    b.addEventListener("click", function () {
      apply(!on);
      window.dispatchEvent(new Event("resize"));  // plots re-measure their width
    });
    document.body.appendChild(b);
    apply(on);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButton);
  else addButton();
})();
</script>
"""
