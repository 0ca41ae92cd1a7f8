// Progressive enhancement: a "select the whole page" box in a list's header ([data-select-all]) that ticks every
// input[name="ids"] of the page. Without JavaScript the box stays hidden and each row is ticked on its own.
document.querySelectorAll("[data-select-all]").forEach(function (all) {
  all.hidden = false;
  all.addEventListener("change", function () {
    document.querySelectorAll('input[name="ids"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
});
