/* The work-log and lecture forms on a weak connection. Progressive enhancement: every page works without it.
 *
 * - What is typed is kept in localStorage (per user and form) and brought back after a closed tab.
 * - The form is sent with fetch(); when the network is down the draft stays on the phone and is sent again when
 *   the `online` event fires, with the same client_uuid, so the server saves the service once. A server error
 *   (any answer but a 2xx) keeps the draft the same way: the form stays as typed, with a button to send it again.
 * - Photos are shrunk on the phone before sending (the server shrinks them too and strips their EXIF).
 * - The location check-in fills the hidden latitude/longitude/accuracy; the mediation fields show when
 *   纠纷调解 is ticked.
 * - A log's page forgets the local draft it was saved from (data-clear-draft="<client_uuid>").
 */
(function () {
  "use strict";

  var PREFIX = "cunju.draft.";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  var PHOTO_MAX_SIDE = 1600;
  var SEND_TIMEOUT_MS = 120000;

  // The page's words (gettext, via json_script "draft-messages"); these are the fallbacks.
  var MESSAGES = {
    restored: "已恢复未提交的草稿（%(time)s 保存在本机）。",
    pending: "上次提交未完成，请检查后再次提交。",
    photos: "照片未能保存在本机，请重新选择。",
    discard: "放弃草稿",
    offline: "网络已断开，草稿已保存在本机，恢复联网后将自动提交。",
    retry: "立即重试",
    failed: "服务器暂时未能保存（错误 %(status)s），内容已保存在本机。请稍后点“立即重试”。",
    sending: "正在提交……",
    online: "已恢复联网，正在自动提交……",
    locating: "正在定位……",
    located: "已打卡，精度约 %(m)s 米",
    denied: "未获允许使用位置。可在浏览器设置中允许，也可不打卡直接提交。",
    unavailable: "暂时无法定位，请到开阔处再试，或不打卡直接提交。",
  };
  (function () {
    var script = document.getElementById("draft-messages");
    if (!script) return;
    try {
      var given = JSON.parse(script.textContent);
      for (var name in given) MESSAGES[name] = given[name];
    } catch (e) {
      /* keep the fallbacks */
    }
  })();

  function t(name, values) {
    return MESSAGES[name].replace(/%\((\w+)\)s/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }

  var store = (function () {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage disabled: the forms still work, without drafts
    }
  })();

  function read(key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (e) {
      return null;
    }
  }

  function write(key, value) {
    try {
      store.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false; // quota full
    }
  }

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // --- a log's page: the draft it came from is now on the server ---

  function clearDrafts(uuid, user) {
    if (!store || !uuid) return;
    var prefix = PREFIX + user + ".";
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) {
        var draft = read(key);
        if (!draft || draft.uuid === uuid) store.removeItem(key);
      }
    }
  }

  each(document.querySelectorAll("[data-clear-draft]"), function (el) {
    clearDrafts(el.getAttribute("data-clear-draft"), el.getAttribute("data-draft-user") || "0");
  });

  // --- the forms ---

  function fieldsOf(form) {
    var data = {};
    each(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (!data[el.name]) data[el.name] = [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function fill(form, data) {
    each(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (typeof value === "string") {
        el.value = value;
      }
    });
  }

  function photoCount(form) {
    var count = 0;
    each(form.querySelectorAll('input[type="file"]'), function (input) {
      count += input.files ? input.files.length : 0;
    });
    return count;
  }

  function shrink(file) {
    // A phone photo is 3-8 MB; at most 1600 px it is a tenth of that. Anything odd is sent as it is.
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 400 * 1024 || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(
            function (blob) {
              resolve(blob && blob.size < file.size ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
            },
            "image/jpeg",
            0.85
          );
        });
      })
      .catch(function () {
        return file;
      });
  }

  function bodyOf(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var inputs = form.querySelectorAll('input[type="file"][name="photos"]');
    if (!inputs.length || !window.File) return Promise.resolve(body);
    var files = [];
    each(inputs, function (input) {
      each(input.files || [], function (file) {
        files.push(file);
      });
    });
    if (!files.length) return Promise.resolve(body);
    return Promise.all(files.map(shrink)).then(function (shrunk) {
      body.delete("photos");
      shrunk.forEach(function (file) {
        body.append("photos", file, file.name);
      });
      return body;
    });
  }

  function setUp(form) {
    var key = PREFIX + (form.getAttribute("data-draft-user") || "0") + "." + form.getAttribute("data-draft");
    var notice = form.parentNode.querySelector("[data-draft-notice]");
    var sendStatus = form.querySelector("[data-send-status]") || notice; // beside the buttons just tapped
    var uuidInput = form.elements.namedItem("client_uuid");
    var buttons = form.querySelectorAll('button[type="submit"]');
    var pending = null; // the body waiting for the network
    var lastClicked = null;
    var saveTimer = null;

    function say(text, tone, actions, where) {
      var box = where || notice;
      if (!box) return;
      box.textContent = "";
      box.className = box.className.replace(/ ?notice(-\w+)?/g, "") + " notice" + (tone ? " notice-" + tone : "");
      var span = document.createElement("span");
      span.textContent = text;
      box.appendChild(span);
      (actions || []).forEach(function (action) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-small btn-outline";
        button.textContent = action[0];
        button.addEventListener("click", action[1]);
        box.appendChild(document.createTextNode(" "));
        box.appendChild(button);
      });
      box.hidden = false;
    }

    function save(extra) {
      if (!store) return;
      var draft = {
        uuid: uuidInput ? uuidInput.value : "",
        fields: fieldsOf(form),
        savedAt: Date.now(),
        photos: photoCount(form),
        pending: !!pending,
      };
      for (var name in extra || {}) draft[name] = extra[name];
      write(key, draft);
    }

    function busy(on) {
      each(buttons, function (button) {
        button.disabled = on;
      });
      form.classList.toggle("is-sending", on);
    }

    function discard() {
      if (store) store.removeItem(key);
      window.location.replace(window.location.href);
    }

    // Bring back what was typed before the tab closed, unless the server has just returned this form.
    if (store && !form.hasAttribute("data-bound")) {
      var draft = read(key);
      if (draft && draft.fields && Date.now() - draft.savedAt < MAX_AGE_MS) {
        fill(form, draft.fields);
        var at = new Date(draft.savedAt);
        var time = at.getMonth() + 1 + "/" + at.getDate() + " " + pad(at.getHours()) + ":" + pad(at.getMinutes());
        var text = t("restored", { time: time });
        if (draft.pending) text += t("pending");
        if (draft.photos) text += t("photos");
        say(text, "warn", [[t("discard"), discard]]);
      } else if (draft) {
        store.removeItem(key);
      }
    }

    if (form.hasAttribute("data-bound")) {
      var bad = form.querySelector(".has-error");
      if (bad && bad.scrollIntoView) bad.scrollIntoView({ block: "center" });
    }

    form.addEventListener("input", function () {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(save, 400);
    });
    form.addEventListener("change", function () {
      clearTimeout(saveTimer);
      save();
    });

    each(buttons, function (button) {
      button.addEventListener("click", function () {
        lastClicked = button;
      });
    });

    function offline() {
      busy(false);
      save({ pending: true });
      say(t("offline"), "warn", [[t("retry"), retry]], sendStatus);
    }

    function send(body) {
      if (!navigator.onLine) {
        pending = body;
        offline();
        return;
      }
      busy(true);
      say(t("sending"), "", [], sendStatus);
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller ? setTimeout(function () {
        controller.abort();
      }, SEND_TIMEOUT_MS) : null;
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "follow",
        signal: controller ? controller.signal : undefined,
      }).then(
        function (response) {
          clearTimeout(timer);
          if (!response.ok) {
            // The server answered but saved nothing (busy, or an error): keep the page and the draft as typed.
            pending = body;
            busy(false);
            save({ pending: true });
            say(t("failed", { status: response.status }), "warn", [[t("retry"), retry]], sendStatus);
            return;
          }
          pending = null;
          return response.text().then(
            function (html) {
              // Show the answer as a normal submit would: the log's page after a redirect (it carries the
              // success message and clears the draft), or the form again with the server's messages.
              if (response.redirected && window.history.replaceState) {
                window.history.replaceState(null, "", response.url);
              }
              document.open();
              document.write(html);
              document.close();
              // Some browsers reset the address to the form's on document.open(): the log's page it is.
              if (response.redirected && window.history.replaceState && window.location.href !== response.url) {
                window.history.replaceState(null, "", response.url);
              }
            },
            function () {
              if (response.redirected) window.location.assign(response.url);
              else window.location.reload();
            }
          );
        },
        function () {
          clearTimeout(timer);
          pending = body;
          offline();
        }
      );
    }

    function retry() {
      if (pending) send(pending);
    }

    window.addEventListener("online", function () {
      if (pending) {
        say(t("online"), "", [], sendStatus);
        send(pending);
      }
    });

    if (window.fetch && window.FormData && window.Promise) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clearTimeout(saveTimer);
        var submitter = event.submitter || lastClicked;
        save({ submitter: submitter ? submitter.name : "" });
        bodyOf(form, submitter).then(send);
      });
    }

    setUpMediation(form);
    setUpCheckin(form, save);
  }

  function setUpMediation(form) {
    var box = form.querySelector("[data-mediation]");
    var pk = box && box.getAttribute("data-mediation");
    if (!pk) return;
    var checkbox = form.querySelector('input[name="service_types"][value="' + pk + '"]');
    if (!checkbox) return;
    function sync() {
      var typed = false;
      each(box.querySelectorAll("textarea"), function (area) {
        typed = typed || area.value.trim() !== "";
      });
      // Never hide what was typed or what the server marked.
      box.hidden = !checkbox.checked && !typed && !box.querySelector(".errorlist");
    }
    form.addEventListener("change", sync);
    sync();
  }

  function setUpCheckin(form, save) {
    var box = form.querySelector("[data-checkin]");
    if (!box || !navigator.geolocation) return;
    var button = box.querySelector("[data-checkin-button]");
    var status = box.querySelector("[data-checkin-status]");
    var lat = form.elements.namedItem("latitude");
    var lng = form.elements.namedItem("longitude");
    var accuracy = form.elements.namedItem("location_accuracy");
    function sync() {
      var mode = form.querySelector('input[name="mode"]:checked');
      box.hidden = !(mode && mode.value === "onsite");
    }
    if (lat && lat.value && status) {
      status.textContent = t("located", { m: accuracy && accuracy.value ? accuracy.value : "?" });
    }
    button.addEventListener("click", function () {
      status.textContent = t("locating");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lng.value = position.coords.longitude.toFixed(6);
          accuracy.value = Math.round(position.coords.accuracy);
          status.textContent = t("located", { m: accuracy.value });
          button.disabled = false;
          save();
        },
        function (error) {
          status.textContent = t(error.code === 1 ? "denied" : "unavailable");
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
    form.addEventListener("change", sync);
    sync();
  }

  each(document.querySelectorAll("form[data-draft]"), setUp);
})();
