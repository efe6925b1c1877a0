// Anonymous web chat. User and bot text is only ever set with textContent.
"use strict";

const state = {
  conversation: sessionStorage.getItem("conversation"),
  language: sessionStorage.getItem("language") || "",
  ui: null,
  lastSeen: Number(sessionStorage.getItem("lastSeen") || 0),
};

const $ = (id) => document.getElementById(id);

function label(key) {
  const texts = state.ui && (state.ui[state.language] || state.ui.en);
  return texts ? texts[key] : "";
}

function applyLanguage() {
  if (!state.ui) return;
  document.documentElement.lang = state.language || "en";
  $("title").textContent = label("title");
  $("privacy").textContent = label("privacy");
  $("text").placeholder = label("placeholder");
  $("send").textContent = label("send");
  $("language").value = state.language;
}

function show(text, kind, urgent) {
  const bubble = document.createElement("div");
  bubble.className = "msg " + kind + (urgent ? " urgent" : "");
  bubble.textContent = text;
  $("log").appendChild(bubble);
  $("log").scrollTop = $("log").scrollHeight;
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, data: await response.json() };
}

function clearChoices() {
  document.querySelectorAll(".choices").forEach((row) => row.remove());
}

function offerChoices(buttons) {
  clearChoices();
  if (!buttons || !buttons.length) return;
  const row = document.createElement("div");
  row.className = "choices";
  for (const button of buttons) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = button.title;
    element.addEventListener("click", () => deliver(button.title, button.choice));
    row.appendChild(element);
  }
  $("log").appendChild(row);
  $("log").scrollTop = $("log").scrollHeight;
}

async function send(event) {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  await deliver(text, null);
}

async function deliver(text, choice) {
  $("send").disabled = true;
  clearChoices();
  show(text, "user");
  try {
    const { ok, data } = await postJSON("/api/chat", {
      conversation: state.conversation, text, language: state.language || null, choice,
    });
    if (!ok) { show(data.error || "Error", "bot", true); return; }
    if (!choice) $("text").value = "";
    if (data.last_message_id) {
      state.lastSeen = data.last_message_id;
      sessionStorage.setItem("lastSeen", String(state.lastSeen));
    }
    state.conversation = data.conversation;
    sessionStorage.setItem("conversation", data.conversation);
    if (data.language && data.language !== state.language) {
      state.language = data.language;
      sessionStorage.setItem("language", data.language);
      applyLanguage();
    }
    data.messages.forEach((reply, i) => show(reply, "bot", i === 0 && data.urgency === "emergency"));
    offerChoices(data.buttons);
  } catch (error) {
    // the network failed before the server kept the message: keep it in the box to send again
    $("banner").hidden = false;
    $("banner").textContent = label("engine_down");
  } finally {
    $("send").disabled = false;
  }
}

async function checkHealth() {
  try {
    const response = await fetch("/api/health");
    const health = await response.json();
    $("banner").hidden = health.engine === "ready";
    if (health.engine !== "ready") $("banner").textContent = label("engine_down");
  } catch (error) {
    $("banner").hidden = false;
    $("banner").textContent = label("engine_down");
  }
}

async function pollStaff() {
  if (!state.conversation) return;
  try {
    const { ok, data } = await postJSON("/api/chat/poll", { conversation: state.conversation, after: state.lastSeen });
    if (!ok) return;
    for (const message of data.messages) {
      if (message.sender === "staff" || message.sender === "system") show(message.text, message.sender);
      state.lastSeen = Math.max(state.lastSeen, message.id);
    }
    sessionStorage.setItem("lastSeen", String(state.lastSeen));
  } catch (error) { /* next poll tries again */ }
}

function quickExit() {
  sessionStorage.clear();
  $("log").textContent = "";
  window.location.replace("about:blank");
}

async function start() {
  $("form").addEventListener("submit", send);
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) send(event);
  });
  $("language").addEventListener("change", () => {
    state.language = $("language").value;
    sessionStorage.setItem("language", state.language);
    applyLanguage();
  });
  $("exit").addEventListener("click", quickExit);
  try {
    state.ui = await (await fetch("/api/ui")).json();
  } catch (error) { state.ui = null; }
  applyLanguage();
  await checkHealth();
  setInterval(checkHealth, 5000);
  setInterval(pollStaff, 4000);
}

document.addEventListener("DOMContentLoaded", start);
