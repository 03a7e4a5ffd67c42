// The data-entry page: the cursor waits where the next row starts, so a
// volunteer types a sheet without touching the mouse.
(function () {
  "use strict";
  var form = document.querySelector(".paper-entry form");
  if (!form) return;
  var wrong = form.querySelector(".errors input, .errors select");
  var order = ["id_campaign", "id_sheet_code", "id_country", "id_first_name"];
  var target = wrong;
  for (var i = 0; !target && i < order.length; i++) {
    var field = document.getElementById(order[i]);
    if (field && (!field.value || order[i] === "id_first_name")) target = field;
  }
  if (target) target.focus();
})();
