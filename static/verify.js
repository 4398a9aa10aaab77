// The public verify page that a sealed document's QR code opens: /verify/<code>.
(function () {
  "use strict";
  var code = decodeURIComponent(location.pathname.split("/").pop() || "");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function chinaTime(iso) {
    return iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "";
  }

  function details(doc) {
    var list = el("dl");
    [["文件", doc.title], ["状态", doc.status_text], ["签署人", doc.signer], ["签署时间", chinaTime(doc.signed_at)],
     ["核验码", doc.verify_code], ["SHA-256", doc.sha256]].forEach(function (row) {
      list.appendChild(el("dt", row[0]));
      list.appendChild(el("dd", row[1]));
    });
    return list;
  }

  var byCode = document.getElementById("by-code");
  fetch("/api/v1/verify/" + encodeURIComponent(code)).then(function (response) {
    return response.json().then(function (body) { return { ok: response.ok, body: body }; });
  }).then(function (result) {
    byCode.textContent = "";
    if (!result.ok) {
      byCode.appendChild(el("p", result.body.message || "查询失败", "bad"));
      return;
    }
    var good = ["signed", "confirmed", "issued"].indexOf(result.body.status) >= 0;
    byCode.appendChild(el("p", good ? "平台登记的真实文件" : "平台登记的文件，但已不再有效", good ? "ok" : "bad"));
    byCode.appendChild(details(result.body));
  }).catch(function () {
    byCode.textContent = "网络异常，请稍后重试";
  });

  document.getElementById("upload").addEventListener("submit", function (event) {
    event.preventDefault();
    var out = document.getElementById("by-file");
    out.textContent = "正在核验……";
    fetch("/api/v1/verify", { method: "POST", body: new FormData(event.target) }).then(function (response) {
      return response.json();
    }).then(function (report) {
      out.textContent = "";
      if (report.registry === undefined) {
        out.appendChild(el("p", report.message || "核验失败", "bad"));
        return;
      }
      out.appendChild(el("p", report.valid ? "文件真实有效，未被改动" : "文件无效或已被改动", report.valid ? "ok" : "bad"));
      [["登记", report.registry], ["签章", report.signature], ["证据", report.evidence]].forEach(function (row) {
        out.appendChild(el("p", row[0] + "：" + (row[1].ok ? "通过" : "不通过") + "　" + row[1].message,
                           row[1].ok ? "ok" : "bad"));
      });
    }).catch(function () {
      out.textContent = "网络异常，请稍后重试";
    });
  });
}());
