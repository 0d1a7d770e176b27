// Notifications, live: the newest ones from ListNotifications, then
// WatchNotifications from the newest one's resume token, so nothing is
// missed or shown twice. A dropped stream reconnects with the last token
// it saw, waiting longer each time (1 s up to 30 s, with jitter so that
// pages dropped together by one restart do not come back together).
import { Code, ConnectError } from "@connectrpc/connect";

import { $, describeError, el, formatTime } from "./ui.js";

const SHOWN = 20;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;

function notificationItem(notification) {
  return el(
    "li",
    {
      className: `notification${notification.read ? "" : " unread"}`,
      "data-notification": notification.name,
      "data-subject": notification.subject,
    },
    el("p", {}, notification.message),
    el("p", { className: "help" }, formatTime(notification.createTime),
      notification.read ? "" : " · new"),
  );
}

function updateUnread() {
  const unread = document.querySelectorAll("#notification-list li.unread").length;
  $("unread-count").textContent = unread === 0 ? "" : ` (${unread} new)`;
}

function show(notification, { newest }) {
  const list = $("notification-list");
  if (list.querySelector(`[data-notification="${CSS.escape(notification.name)}"]`)) return;
  const item = notificationItem(notification);
  if (newest) list.prepend(item);
  else list.append(item);
  updateUnread();
}

// Starts the live list for `session`; returns a function that stops it.
export function startNotifications(session) {
  const abort = new AbortController();
  const { engagement } = session.clients;
  const setState = (text) => { $("notifications-state").textContent = text; };
  $("notification-list").replaceChildren();
  updateUnread();

  $("mark-read").onclick = async () => {
    try {
      await engagement.markNotificationsRead({ parent: session.me });
      for (const item of document.querySelectorAll("#notification-list li.unread")) {
        item.classList.remove("unread");
      }
      updateUnread();
    } catch (error) {
      setState(describeError(error));
    }
  };

  (async () => {
    let resumeToken = "";
    let delay = RETRY_FIRST_MS;
    try {
      const { notifications } = await engagement.listNotifications({ parent: session.me, pageSize: SHOWN });
      for (const notification of notifications) show(notification, { newest: false });
      if (notifications.length > 0) resumeToken = notifications[0].resumeToken;
    } catch (error) {
      setState(describeError(error));
    }
    while (!abort.signal.aborted) {
      try {
        setState("Live.");
        const stream = engagement.watchNotifications(
          { parent: session.me, resumeToken },
          { signal: abort.signal },
        );
        for await (const { notification } of stream) {
          resumeToken = notification.resumeToken;
          delay = RETRY_FIRST_MS;
          show(notification, { newest: true });
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        const code = ConnectError.from(error).code;
        if (code === Code.Unauthenticated || code === Code.PermissionDenied) {
          setState(describeError(error));
          return;
        }
      }
      const wait = delay * (0.5 + Math.random() / 2);
      setState(`Reconnecting in ${Math.ceil(wait / 1000)} s…`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  })();
  return () => abort.abort();
}
