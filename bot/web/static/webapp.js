// The Telegram Web App's first page: Telegram puts the signed start data (initData) in the
// address's fragment (#tgWebAppData=...), which never reaches a server by itself. Send it once
// to /panel/webapp/enter, which checks its signature and opens a session.
(function () {
  "use strict";
  var data = new URLSearchParams(window.location.hash.slice(1)).get("tgWebAppData");
  if (data) {
    window.location.replace("/panel/webapp/enter?init=" + encodeURIComponent(data));
  } else {
    window.location.replace("/panel/webapp/enter");
  }
})();
