// The desk page: shows the desk's state as the server sends it (server-sent events), and sends the officer's input.
// Every text comes from the server (the state, or the message table in <meta name="cccd-messages">); card data is
// only ever set as textContent, never as HTML. The verdict is the library's: this script decides nothing.
"use strict";

const token = document.querySelector('meta[name="cccd-token"]').content;
const messages = JSON.parse(document.querySelector('meta[name="cccd-messages"]').content);
const t = (key, values) => {
  let text = messages[key] ?? key;
  for (const [name, value] of Object.entries(values ?? {})) text = text.split("{" + name + "}").join(value);
  return text;
};
const $ = (id) => document.getElementById(id);

function post(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CCCD-Token": token },
    body: JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  }).then(async (response) => ({ status: response.status, body: await response.json().catch(() => ({})) }));
}

// Static labels.
$("secret-submit").textContent = t("input.submit");
$("reset").textContent = t("button.reset");
$("report-link").textContent = t("button.report");
$("notices-title").textContent = t("section.notices");
$("fields-title").textContent = t("section.fields");
$("compare-title").textContent = t("section.compare");
$("compare-field").textContent = t("compare.field");
$("compare-chip").textContent = t("compare.chip");
$("compare-qr").textContent = t("compare.qr");
$("compare-absent").textContent = t("compare.absent");
$("checks-title").textContent = t("section.checks");
$("contact-title").textContent = t("contact.title");
$("phone-label").textContent = t("contact.phone");
$("email-label").textContent = t("contact.email");
$("contact-submit").textContent = t("contact.submit");
$("level1-title").textContent = t("section.level1");
$("portrait").alt = t("section.portrait");

// The wedge scanner types into the focused input and ends with Enter: keep the secret field focused unless the
// officer is typing the phone or e-mail.
const secret = $("secret");
function refocus() {
  const active = document.activeElement;
  if (active === $("phone") || active === $("email")) return;
  if (document.body.dataset.state !== "awaiting-contact") secret.focus();
}
document.addEventListener("click", () => setTimeout(refocus, 0));

$("input-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = secret.value;
  secret.value = "";
  if (text.trim() === "") return;
  const answer = await post("/api/input", { text });
  if (answer.status >= 400) showRefusal(answer.body.message);
});
$("reset").addEventListener("click", () => post("/api/reset", {}));

function showRefusal(message) {
  const box = $("refusal");
  box.textContent = message ?? "";
  box.hidden = !message;
}

// The phone and e-mail are checked by the server's rule as the officer types.
let checkTimer = null;
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(checkContact, 150);
}
async function checkContact() {
  const phone = $("phone").value, email = $("email").value;
  if (phone.trim() === "" && email.trim() === "") {
    $("phone-check").textContent = ""; $("email-check").textContent = "";
    $("contact-submit").disabled = true;
    return;
  }
  const answer = await post("/api/contact", { phone, email, check: true });
  const show = (id, outcome) => {
    const el = $(id);
    el.textContent = outcome ? outcome.message : "";
    el.className = "check " + (outcome ? (outcome.valid ? "ok" : "bad") : "");
  };
  show("phone-check", phone.trim() === "" ? null : answer.body.phone);
  show("email-check", answer.body.email);
  $("contact-submit").disabled = !(answer.body.phone?.valid && (answer.body.email === null || answer.body.email?.valid));
}
$("phone").addEventListener("input", scheduleCheck);
$("email").addEventListener("input", scheduleCheck);
$("contact-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await post("/api/contact", { phone: $("phone").value, email: $("email").value });
  if (answer.status >= 400) showRefusal(answer.body.message);
});

function cell(row, text, tag) {
  const el = document.createElement(tag ?? "td");
  el.textContent = text ?? "";
  row.appendChild(el);
  return el;
}

function displayDate(iso) {
  if (!iso) return "";
  if (iso === "none") return t("validity.validForLife");
  return iso.split("-").reverse().join("/");
}

function displayValue(key, value) {
  if (value === null || value === undefined || value === "") return t("value.none");
  if (key === "sex") return t("sex." + value);
  if (key === "dateOfBirth" || key.endsWith("Date")) return displayDate(value);
  return String(value);
}

function problemItem(problem) {
  const li = document.createElement("li");
  li.dataset.code = problem.code;
  const message = document.createElement("span");
  message.className = "message";
  message.textContent = problem.message;
  const code = document.createElement("span");
  code.className = "code";
  code.textContent = " " + problem.code;
  const action = document.createElement("span");
  action.className = "action";
  action.textContent = problem.action;
  li.append(message, code, action);
  return li;
}

let lastAttempt = -1;
function render(state) {
  document.body.dataset.state = state.state;
  document.body.dataset.lifted = String(state.cardLifted);
  $("status").textContent = state.status.message;
  $("reader").textContent = state.reader ?? "";
  $("operator").textContent = state.operator ?? "";
  const progress = $("progress");
  progress.hidden = !(state.state === "reading" || state.state === "waiting-for-card");
  progress.value = Math.round(state.progress * 100);
  showRefusal(state.refusal ? state.refusal.message : null);

  const result = state.result;
  $("result").hidden = !result;
  $("contact").hidden = state.state !== "awaiting-contact";
  if (state.attempt !== lastAttempt) {
    lastAttempt = state.attempt;
    $("phone").value = ""; $("email").value = "";
    $("phone-check").textContent = ""; $("email-check").textContent = "";
    $("contact-submit").disabled = true;
  }
  if (state.state === "awaiting-contact" && document.activeElement !== $("email")) $("phone").focus();
  else refocus();

  const level1 = result?.level1;
  $("level1").hidden = !level1;
  if (level1) {
    $("level1-saved").textContent = result.level1Saved ? t("status.level1Saved", { path: result.level1Saved }) : "";
    $("level1-json").textContent = JSON.stringify(level1, null, 2);
  }
  if (!result) return;

  const verdict = $("verdict");
  verdict.className = "verdict verdict-" + result.verdict;
  verdict.dataset.verdict = result.verdict;
  $("verdict-word").textContent = result.unverified ? result.label + " · " + t("verdict.unverified") : result.label;
  $("verdict-hint").textContent = result.hint;
  $("reasons").replaceChildren(...result.reasons.map(problemItem));
  $("save-error").textContent = result.saveError ?? "";
  $("save-error").hidden = !result.saveError;
  $("notices-box").hidden = result.notices.length === 0;
  $("notices").replaceChildren(...result.notices.map(problemItem));

  const subject = result.subject;
  $("card").hidden = !subject;
  if (subject) {
    const portrait = $("portrait");
    if (result.portrait) {
      if (portrait.getAttribute("src") !== result.portrait) portrait.src = result.portrait;
      portrait.hidden = false;
    } else {
      portrait.removeAttribute("src");
      portrait.hidden = true;
    }
    const validity = $("validity");
    validity.textContent = result.document.validityText;
    validity.className = "validity " + result.document.validity;
    validity.dataset.validity = result.document.validity;
    const rows = [];
    for (const [key, value] of Object.entries(subject)) {
      if (key === "otherFields") continue;
      const row = document.createElement("tr");
      row.dataset.field = key;
      cell(row, t("field." + key), "th");
      cell(row, displayValue(key, value));
      rows.push(row);
    }
    for (const other of subject.otherFields ?? []) {
      const row = document.createElement("tr");
      cell(row, "DG13." + (other.field ?? "?"), "th");
      cell(row, other.text ?? (other.values ?? []).join(", ") ?? other.hex ?? "");
      rows.push(row);
    }
    $("fields").tBodies[0].replaceChildren(...rows);
  }

  const qr = result.qr;
  $("compare").hidden = !qr || qr.fields.length === 0;
  $("compare-absent").hidden = !qr || qr.status !== "absent";
  if (qr) {
    $("compare").dataset.status = qr.status;
    $("compare").tBodies[0].replaceChildren(...qr.fields.map((field) => {
      const row = document.createElement("tr");
      row.dataset.field = field.field;
      row.className = field.same ? "same" : "different";
      cell(row, field.label, "th");
      cell(row, displayValue(field.field, field.chip));
      cell(row, displayValue(field.field, field.qr));
      cell(row, field.same ? t("compare.same") : t("compare.different"));
      return row;
    }));
  }

  const checks = result.checks;
  const checkRows = [];
  const addCheck = (label, value, key) => {
    const row = document.createElement("tr");
    if (key) row.dataset.check = key;
    cell(row, label, "th");
    cell(row, value);
    checkRows.push(row);
  };
  if (checks) {
    addCheck(t("section.validity"), result.document.validityText, "validity");
    addCheck(t("check.passiveAuthentication"), t("outcome." + checks.passiveAuthentication), "passiveAuthentication");
    addCheck(t("check.chipAuthentication"), t("outcome." + checks.chipAuthentication), "chipAuthentication");
    addCheck(t("check.activeAuthentication"), t("outcome." + checks.activeAuthentication), "activeAuthentication");
    addCheck(t("check.qr"), t("outcome." + checks.qr), "qr");
    addCheck(t("check.access"), checks.access ?? "");
    addCheck(t("check.signer"), checks.signer ?? t("value.none"));
  }
  addCheck(t("check.readAt"), result.readAt ? new Date(result.readAt).toLocaleString(document.documentElement.lang) : "");
  addCheck(t("check.reader"), result.reader ?? state.reader ?? "");
  if (state.operator) addCheck(t("check.operator"), state.operator);
  $("checks").tBodies[0].replaceChildren(...checkRows);
}

// Live updates: one event per change; the browser reconnects by itself when the connection drops.
const events = new EventSource("/api/events");
events.onmessage = (event) => render(JSON.parse(event.data));
fetch("/api/state", { cache: "no-store" }).then((r) => r.json()).then(render).catch(() => {});
secret.focus();
