// The ledger report form ([data-pairs]): one <select> of "advisor-village" pairs fills the two hidden fields the
// report reads. Without JavaScript the first pair (the hidden fields' initial values) is used.
document.querySelectorAll("form[data-pairs]").forEach(function (form) {
  var select = form.querySelector("select[data-pair]");
  if (!select) return;
  select.addEventListener("change", function () {
    var pair = select.value.split("-");
    form.elements.advisor.value = pair[0];
    form.elements.village.value = pair[1];
  });
});
