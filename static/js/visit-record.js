// Recording a visit at the door. Saves the draft to the server a few seconds after typing stops
// and when a field loses focus, keeps answers not yet sent on the phone (localStorage, keyed by
// the visit's client key) and retries with backoff when the connection drops. Photos and
// recordings are sent as soon as they are chosen. Without this script the form still submits
// normally and the server keeps everything typed.

const SAVE_AFTER_MS = 2500;
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 60000;
const KEEP_MS = 3 * 24 * 60 * 60 * 1000; // answers never sent are dropped after three days
const PREFIX = "rsom-visit-";
const NOT_SENT = ["csrfmiddlewaretoken", "draft_version", "client_key"];

const form = document.querySelector("form[data-visit-record]");
if (form) record(form);

function record(form) {
  const status = document.getElementById("save-status");
  const conflictBox = document.getElementById("save-conflict");
  const uploadStatus = document.getElementById("upload-status");
  const uploaded = document.getElementById("uploaded");
  const version = form.elements.namedItem("draft_version");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const storeKey = PREFIX + form.dataset.clientKey;

  let dirty = false; // edits not yet accepted by the server
  let inFlight = null; // the save under way, if any
  let failedBody = null; // a save whose answer never came: sent again first, as it was
  let timer = null;
  let retryMs = 0;
  let blocked = false; // a conflict or a recorded visit: wait for the officer
  let theirVersion = null;
  let submitting = false;

  const setStatus = (text, kind = "") => {
    status.textContent = text;
    status.classList.toggle("rsom-save-status--saved", kind === "saved");
    status.classList.toggle("rsom-save-status--problem", kind === "problem");
  };

  const answers = () => {
    const pairs = [];
    for (const [name, value] of new FormData(form)) {
      if (!(value instanceof File) && !NOT_SENT.includes(name)) pairs.push([name, value]);
    }
    return pairs;
  };

  const keepOnPhone = () => {
    try {
      localStorage.setItem(
        storeKey,
        JSON.stringify({ base: version.value, fields: answers(), at: Date.now() }),
      );
    } catch {
      // Storage full or switched off: the server copy and the form itself still hold the answers.
    }
  };

  const forget = () => {
    try {
      localStorage.removeItem(storeKey);
    } catch {
      // Nothing kept.
    }
  };

  const dropOld = () => {
    try {
      for (const key of Object.keys(localStorage)) {
        if (!key.startsWith(PREFIX) || key === storeKey) continue;
        const kept = JSON.parse(localStorage.getItem(key) || "{}");
        if (!kept.at || Date.now() - kept.at > KEEP_MS) localStorage.removeItem(key);
      }
    } catch {
      // Unreadable storage: nothing to tidy.
    }
  };

  const restore = () => {
    let kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(storeKey) || "null");
    } catch {
      kept = null;
    }
    if (!kept || !Array.isArray(kept.fields)) return false;
    const values = new Map();
    for (const [name, value] of kept.fields) {
      if (!values.has(name)) values.set(name, []);
      values.get(name).push(value);
    }
    for (const element of form.elements) {
      if (!element.name || NOT_SENT.includes(element.name) || element.type === "file") continue;
      const given = values.get(element.name) || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = given.includes(element.value);
      } else if (element.tagName !== "BUTTON") {
        element.value = given[0] ?? "";
      }
    }
    // The answers were typed on top of this version: saving them says so.
    version.value = kept.base;
    return true;
  };

  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(save, ms);
  };

  const retryLater = (text) => {
    retryMs = retryMs ? Math.min(retryMs * 2, MAX_RETRY_MS) : FIRST_RETRY_MS;
    setStatus(text, "problem");
    schedule(retryMs);
  };

  const body = () => {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("draft_version", version.value);
    data.append("client_key", form.dataset.clientKey);
    for (const [name, value] of answers()) data.append(name, value);
    return data;
  };

  async function send(data) {
    const response = await fetch(form.dataset.draftUrl, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    });
    if (response.type === "opaqueredirect") return { signedOut: true };
    let json = {};
    try {
      json = await response.json();
    } catch {
      json = {};
    }
    return { status: response.status, json };
  }

  function save() {
    clearTimeout(timer);
    if (blocked || inFlight) return inFlight;
    if (!dirty && !failedBody) return Promise.resolve();
    const replaying = failedBody !== null;
    const data = failedBody || body();
    if (!replaying) dirty = false;
    inFlight = send(data)
      .then((answer) => {
        failedBody = null;
        handle(answer);
      })
      .catch(() => {
        failedBody = data;
        dirty = true;
        retryLater("Not saved yet — will retry. Your answers are kept on this phone.");
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  function handle({ signedOut, status: code, json }) {
    timer = null;
    if (signedOut) {
      dirty = true;
      retryLater(
        "Not saved yet — will retry. You have been signed out: sign in again in a new tab. " +
          "Your answers are kept on this phone.",
      );
      return;
    }
    if (code === 200) {
      retryMs = 0;
      version.value = json.version;
      const problems = Object.keys(json.not_saved || {}).length;
      if (!dirty && !problems) forget();
      setStatus(
        problems
          ? `Saved at ${json.saved_at}, apart from answers that need correcting.`
          : `Saved at ${json.saved_at}`,
        problems ? "problem" : "saved",
      );
      if (dirty) schedule(SAVE_AFTER_MS);
      return;
    }
    if (code === 409) {
      blocked = true;
      dirty = true;
      if (json.conflict === "changed") {
        theirVersion = json.version;
        conflictBox.hidden = false;
      }
      setStatus(`${json.message} Your answers are kept on this phone.`, "problem");
      return;
    }
    if (code === 400 || code === 403 || code === 404) {
      dirty = true;
      setStatus(`Not saved: ${json.message || "reload the page"}`, "problem");
      return;
    }
    dirty = true;
    retryLater("Not saved yet — will retry. Your answers are kept on this phone.");
  }

  const edited = (event) => {
    if (event.target.type === "file" || !event.target.name) return;
    dirty = true;
    keepOnPhone();
    if (!blocked) {
      retryMs = 0;
      schedule(SAVE_AFTER_MS);
    }
  };

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("focusout", () => {
    if (dirty && !blocked) save();
  });
  window.addEventListener("online", () => {
    if ((dirty || failedBody) && !blocked) {
      retryMs = 0;
      save();
    }
  });

  for (const button of conflictBox.querySelectorAll("button[data-conflict]")) {
    button.addEventListener("click", () => {
      conflictBox.hidden = true;
      if (button.dataset.conflict === "mine") {
        version.value = theirVersion;
        blocked = false;
        dirty = true;
        save();
      } else {
        forget();
        window.location.reload();
      }
    });
  }

  form.addEventListener("submit", async (event) => {
    if (submitting) return;
    event.preventDefault();
    submitting = true;
    setStatus("Sending…");
    // Send the last answers first, so the record is made from the version the server holds.
    if (inFlight) await inFlight;
    if ((dirty || failedBody) && !blocked) await save();
    if (blocked || dirty || failedBody) {
      // Not sent: the status says why, and the answers stay on the phone and in the form.
      submitting = false;
      return;
    }
    form.submit();
  });

  // --- Photos and recordings ---------------------------------------------------------------

  const showUpload = (text) => {
    uploadStatus.textContent = text;
  };

  const listUploaded = (item) => {
    if (uploaded.querySelector(`[data-attachment="${item.id}"]`)) return;
    const entry = document.createElement("li");
    entry.dataset.attachment = item.id;
    entry.textContent = item.label;
    uploaded.append(entry);
  };

  async function upload(input) {
    const files = [...input.files];
    let unsent = 0;
    const problems = [];
    for (const file of files) {
      showUpload(`Sending ${file.name}…`);
      const data = new FormData();
      data.append("csrfmiddlewaretoken", csrf);
      data.append("files", file);
      try {
        const response = await fetch(form.dataset.attachmentUrl, {
          method: "POST",
          body: data,
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          redirect: "manual",
        });
        const json = response.type === "opaqueredirect" ? {} : await response.json();
        if (response.ok) {
          for (const item of json.added) listUploaded(item);
        } else if (response.status === 400) {
          problems.push(json.message);
        } else {
          unsent += 1;
        }
      } catch {
        unsent += 1;
      }
    }
    if (unsent) {
      showUpload(
        `${problems.join(" ")} Not sent yet: the files still chosen are sent when you select ` +
          "Record visit.",
      );
      return;
    }
    input.value = "";
    showUpload(problems.length ? problems.join(" ") : "Sent and kept with the visit.");
  }

  for (const input of form.querySelectorAll("input[type=file]")) {
    input.addEventListener("change", () => upload(input));
  }

  // Anything typed while this script was still loading (a slow connection) counts as an edit.
  const typedEarly = () =>
    [...form.elements].some((element) => {
      if (!element.name || element.type === "file" || element.type === "hidden") return false;
      if (element.type === "checkbox" || element.type === "radio") {
        return element.checked !== element.defaultChecked;
      }
      return "defaultValue" in element && element.value !== element.defaultValue;
    });

  dropOld();
  if (restore()) {
    dirty = true;
    setStatus("Answers typed earlier on this phone were not sent: sending them now.");
    save();
  } else if (typedEarly()) {
    dirty = true;
    keepOnPhone();
    setStatus("Your answers are saved as you go.");
    schedule(SAVE_AFTER_MS);
  } else {
    setStatus("Your answers are saved as you go.");
  }
}
