// Asking the service: a named question's page as JSON, or the problem it answered instead
// (RFC 9457 Problem JSON: title, detail and, for bad values, the parameters' messages).

export function questionUrl(name, values, limit, offset) {
  const params = new URLSearchParams(values);
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  return `/queries/${encodeURIComponent(name)}?${params}`;
}

function problemOf(status, body, text) {
  if (body && typeof body === "object") {
    const messages = Array.isArray(body.errors) ? body.errors.map((e) => e.msg).filter(Boolean)
      : Array.isArray(body.detail) ? body.detail.map((d) => d.msg) : [];
    const detail = typeof body.detail === "string" ? body.detail : "";
    return { status, title: body.title || `The service answered ${status}`, detail,
             messages: messages.filter((m) => m !== detail) };
  }
  return { status, title: `The service answered ${status}`, detail: (text || "").slice(0, 500), messages: [] };
}

const STATUS_HINTS = {
  503: "The question ran past the service's time limit. Narrow it (a smaller page, a more specific value) and ask again.",
  429: "Too many questions are running for you at once. Wait a moment and ask again.",
};

export async function fetchPage(url, signal) {
  let response;
  try {
    response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { ok: false, problem: { status: 0, title: "The service did not answer", detail: String(error.message || error), messages: [] } };
  }
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = null; }
  if (!response.ok || body === null) {
    const problem = problemOf(response.status, body, text);
    if (STATUS_HINTS[response.status]) problem.hint = STATUS_HINTS[response.status];
    return { ok: false, problem };
  }
  return { ok: true, data: body };
}
