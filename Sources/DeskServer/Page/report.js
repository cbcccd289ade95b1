// The report's one script: the print button (no inline handlers under the page's Content-Security-Policy).
"use strict";
document.getElementById("print").addEventListener("click", () => window.print());
