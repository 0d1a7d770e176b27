// Our values: read them, endorse them, and say what you think of any,
// under your name or anonymously.
import { $, describeError, el, shortName } from "./ui.js";

// One value: its statement, its endorsements (a toggle), and a feedback
// form.
function valueItem(session, value) {
  const endorse = el(
    "button",
    { type: "button", "aria-pressed": String(value.endorsedByCaller) },
    `${value.endorsedByCaller ? "Endorsed" : "Endorse"} (${value.endorsementCount})`,
  );
  const id = `feedback-${shortName(value.name)}`;
  const text = el("textarea", { id, rows: 2, required: true });
  const anonymous = el("input", { type: "checkbox" });
  const sent = el("p", { role: "status" });
  const form = el(
    "form",
    {},
    el("label", { for: id }, `Your feedback on "${value.title}"`),
    text,
    el("label", { className: "inline" }, anonymous, " Send anonymously"),
    el("button", { type: "submit" }, "Send feedback"),
    sent,
  );
  const item = el(
    "li",
    { className: "value", "data-value": value.name },
    el("h3", {}, value.title),
    el("p", {}, value.statement),
    endorse,
    form,
  );
  endorse.addEventListener("click", async () => {
    try {
      // Endorsing is idempotent by itself: no request_id.
      const request = { name: value.name };
      const updated = value.endorsedByCaller
        ? await session.clients.values.unendorseValue(request)
        : await session.clients.values.endorseValue(request);
      const fresh = valueItem(session, updated);
      item.replaceWith(fresh);
      fresh.querySelector("button").focus();
    } catch (error) {
      $("values-error").textContent = describeError(error);
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await session.clients.values.createValueFeedback({
        parent: value.name,
        feedback: { text: text.value, anonymous: anonymous.checked },
        requestId: crypto.randomUUID(),
      });
      text.value = "";
      sent.textContent = anonymous.checked ? "Sent anonymously. Thank you." : "Sent. Thank you.";
    } catch (error) {
      sent.textContent = describeError(error);
    }
  });
  return item;
}

export async function loadValues(session) {
  try {
    const { values } = await session.clients.values.listValues({
      parent: session.orgName,
      pageSize: 100,
    });
    $("value-list").replaceChildren(...values.map((value) => valueItem(session, value)));
    if (values.length === 0) $("value-list").textContent = "No values published yet.";
  } catch (error) {
    $("values-error").textContent = describeError(error);
  }
}
