// Fills the SHA-256 list when files are picked (sha256sum format), so every uploaded file
// travels with the digest the provider's own machine computed; the server compares them.
"use strict";
async function hex(file) {
  const buf = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(buf)].map(b => b.toString(16).padStart(2, "0")).join("");
}
document.addEventListener("change", async (ev) => {
  const input = ev.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.digests) return;
  const out = input.form.querySelector("#" + input.dataset.digests);
  if (!out || !window.crypto || !crypto.subtle) return;
  const lines = [];
  for (const f of input.files) lines.push((await hex(f)) + "  " + f.name);
  out.value = lines.join("\n");
  out.dispatchEvent(new Event("input"));
  input.form.dataset.digested = String(input.files.length);
});
