/* Chat widget for Rasa 3.6's socket.io channel (REST as fallback).
 *
 * Safe by construction: user text is only ever set with textContent; bot text
 * is turned into DOM nodes by a tiny markdown subset (paragraphs, "- " and
 * "1. " lists, **bold**, http(s) links) - never innerHTML.  The conversation
 * (session id and messages) is kept in sessionStorage so a reload keeps it.
 */
(function () {
  "use strict";

  var RASA = document.body.getAttribute("data-rasa-url");
  var KEY = { session: "tldvc.session", history: "tldvc.history", large: "tldvc.largeText" };
  var MAX_LENGTH = 1000;
  var store = window.sessionStorage;

  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var typing = document.getElementById("chat-typing");
  var statusLine = document.getElementById("chat-status");
  var restartButton = document.getElementById("chat-restart");
  var largeButton = document.getElementById("chat-large-text");

  var sessionId = store.getItem(KEY.session);
  var history = [];
  try { history = JSON.parse(store.getItem(KEY.history) || "[]"); } catch (e) { history = []; }
  var lastQuestion = "";
  var socket = null;
  var connected = false;
  var typingTimer = null;

  function save() { store.setItem(KEY.history, JSON.stringify(history.slice(-200))); }
  function setStatus(text) { statusLine.textContent = text; }

  /* ---- safe rendering ---------------------------------------------------- */

  var URL_RE = /https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;
  // [title](https://...) - a source's short title linking to its official page
  var TITLED_LINK_RE = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s()<>"]+)\)/g;

  function link(url, label) {
    var a = document.createElement("a");
    a.href = url;
    a.textContent = label;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function appendBareLinks(parent, text) {
    var last = 0;
    text.replace(URL_RE, function (url, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      parent.appendChild(link(url, url));
      last = offset + url.length;
      return url;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function appendLinks(parent, text) {
    var last = 0;
    text.replace(TITLED_LINK_RE, function (whole, label, url, offset) {
      appendBareLinks(parent, text.slice(last, offset));
      parent.appendChild(link(url, label));
      last = offset + whole.length;
      return whole;
    });
    appendBareLinks(parent, text.slice(last));
  }

  function appendInline(parent, text) {
    text.split(/(\*\*[^*]+\*\*)/g).forEach(function (part) {
      if (part.length > 4 && part.slice(0, 2) === "**" && part.slice(-2) === "**") {
        var strong = document.createElement("strong");
        appendLinks(strong, part.slice(2, -2));
        parent.appendChild(strong);
      } else if (part) {
        appendLinks(parent, part);
      }
    });
  }

  function appendMarkdown(container, text) {
    var list = null;
    text.split("\n").forEach(function (line) {
      var bullet = line.match(/^\s*[-•]\s+(.*)$/);
      var numbered = line.match(/^\s*(\d+)\.\s+(.*)$/);
      if (bullet || numbered) {
        var tag = bullet ? "UL" : "OL";
        if (!list || list.tagName !== tag) {
          list = document.createElement(tag);
          if (numbered) { list.start = parseInt(numbered[1], 10); }
          container.appendChild(list);
        }
        var li = document.createElement("li");
        appendInline(li, bullet ? bullet[1] : numbered[2]);
        list.appendChild(li);
      } else {
        list = null;
        if (line.trim()) {
          var p = document.createElement("p");
          appendInline(p, line);
          container.appendChild(p);
        }
      }
    });
  }

  /* ---- messages ---------------------------------------------------------- */

  function render(entry) {
    var item = document.createElement("li");
    item.className = "msg " + entry.from;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = entry.from === "user" ? "Anh/chị: " : "Trợ lý: ";
    item.appendChild(who);
    if (entry.from === "user") {
      item.appendChild(document.createTextNode(entry.text));
    } else {
      appendMarkdown(item, entry.text);
      if (entry.buttons && entry.buttons.length) {
        var replies = document.createElement("div");
        replies.className = "replies";
        entry.buttons.forEach(function (b) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = b.title;
          button.addEventListener("click", function () { send(b.payload, b.title); });
          replies.appendChild(button);
        });
        item.appendChild(replies);
      }
      if (entry.question) { item.appendChild(feedbackBox(entry)); }
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function push(entry) {
    history.push(entry);
    save();
    render(entry);
  }

  /* ---- feedback ----------------------------------------------------------- */

  function feedbackBox(entry) {
    var box = document.createElement("div");
    box.className = "feedback";
    if (entry.feedback === "sent") {
      box.textContent = "Cảm ơn anh/chị đã góp ý.";
      return box;
    }
    var up = document.createElement("button");
    up.type = "button";
    up.textContent = "👍";
    up.setAttribute("aria-label", "Câu trả lời hữu ích");
    var down = document.createElement("button");
    down.type = "button";
    down.textContent = "👎";
    down.setAttribute("aria-label", "Câu trả lời chưa đúng hoặc chưa đủ");
    up.addEventListener("click", function () { submitFeedback(entry, "up", null, box); });
    down.addEventListener("click", function () {
      box.replaceChildren();
      var label = document.createElement("label");
      label.textContent = "Góp ý thêm (không bắt buộc, không ghi thông tin cá nhân):";
      var area = document.createElement("textarea");
      area.rows = 2;
      area.maxLength = 1000;
      area.className = "feedback-comment";
      label.appendChild(area);
      var submit = document.createElement("button");
      submit.type = "button";
      submit.textContent = "Gửi góp ý";
      submit.addEventListener("click", function () { submitFeedback(entry, "down", area.value, box); });
      box.appendChild(label);
      box.appendChild(submit);
      area.focus();
    });
    box.appendChild(up);
    box.appendChild(down);
    return box;
  }

  function submitFeedback(entry, rating, comment, box) {
    var meta = entry.meta || {};
    fetch("/api/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        conversation_id: sessionId || "unknown",
        rating: rating,
        comment: comment || null,
        question: entry.question || "",
        answer: entry.text,
        intent: meta.intent || null,
        service: meta.service || null
      })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      entry.feedback = "sent";
      save();
      box.replaceChildren(document.createTextNode("Cảm ơn anh/chị đã góp ý."));
    }).catch(function () {
      box.appendChild(document.createTextNode(" Chưa gửi được góp ý, anh/chị thử lại sau."));
    });
  }

  /* ---- talking to Rasa --------------------------------------------------- */

  function showTyping() {
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 20000);
  }
  function hideTyping() { typing.hidden = true; clearTimeout(typingTimer); }

  function onBot(message) {
    if (!message) { return; }
    if (message.meta) {  // intent and service of the answer just sent, for feedback
      for (var i = history.length - 1; i >= 0 && history[i].from === "bot"; i--) {
        if (!history[i].meta) { history[i].meta = message.meta; }
      }
      save();
      return;
    }
    hideTyping();
    var buttons = (message.quick_replies || message.buttons || []).map(function (b) {
      return { title: String(b.title), payload: String(b.payload) };
    });
    var text = typeof message.text === "string" ? message.text : "";
    if (!text && !buttons.length) { return; }
    push({ from: "bot", text: text, buttons: buttons, question: lastQuestion || null });
  }

  function sendRest(text) {
    if (!sessionId) {
      sessionId = "web" + Math.random().toString(16).slice(2) + Date.now().toString(16);
      store.setItem(KEY.session, sessionId);
    }
    fetch(RASA + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sessionId, message: text })
    }).then(function (response) { return response.json(); }).then(function (messages) {
      messages.forEach(function (m) {
        if (m.custom && m.custom.data && m.custom.data.meta) { onBot({ meta: m.custom.data.meta }); }
        else { onBot({ text: m.text, buttons: m.buttons }); }
      });
      hideTyping();
    }).catch(function () {
      hideTyping();
      push({ from: "bot", text: "Dạ, em đang không kết nối được máy chủ. Anh/chị vui lòng thử lại sau ít phút, hoặc xem trên https://dichvucong.gov.vn ạ." });
    });
  }

  function transmit(text) {
    if (socket && connected) {
      socket.emit("user_uttered", { message: text, session_id: sessionId });
    } else {
      sendRest(text);
    }
  }

  function send(text, shown) {
    text = (text || "").trim().slice(0, MAX_LENGTH);
    if (!text) { return; }
    lastQuestion = shown || text;
    push({ from: "user", text: lastQuestion });
    showTyping();
    transmit(text);
  }

  function connect() {
    if (typeof window.io !== "function") {
      setStatus("Đang dùng kết nối dự phòng.");
      if (!history.length) { transmit("/greet"); }
      return;
    }
    socket = window.io(RASA, { transports: ["websocket"], path: "/socket.io", reconnectionAttempts: 10 });
    socket.on("connect", function () { socket.emit("session_request", { session_id: sessionId }); });
    socket.on("session_confirm", function (id) {
      sessionId = typeof id === "string" ? id : (id && id.session_id);
      store.setItem(KEY.session, sessionId);
      connected = true;
      setStatus("Đã kết nối");
      if (!history.length) { transmit("/greet"); }
    });
    socket.on("bot_uttered", onBot);
    socket.on("disconnect", function () { connected = false; setStatus("Mất kết nối, đang thử lại…"); });
    socket.on("connect_error", function () { connected = false; setStatus("Chưa kết nối được; tin nhắn sẽ gửi qua kết nối dự phòng."); });
  }

  /* ---- controls ---------------------------------------------------------- */

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  restartButton.addEventListener("click", function () {
    history = [];
    save();
    store.removeItem(KEY.session);
    sessionId = null;
    lastQuestion = "";
    log.replaceChildren();
    if (socket) {
      connected = false;
      socket.disconnect();
      socket.connect();
    } else {
      transmit("/greet");
    }
    input.focus();
  });
  function applyLargeText(on) {
    document.documentElement.classList.toggle("large-text", on);
    largeButton.setAttribute("aria-pressed", on ? "true" : "false");
    store.setItem(KEY.large, on ? "1" : "0");
  }
  largeButton.addEventListener("click", function () {
    applyLargeText(largeButton.getAttribute("aria-pressed") !== "true");
  });

  applyLargeText(store.getItem(KEY.large) === "1");
  history.forEach(render);
  connect();
})();
