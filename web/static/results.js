/* global document, Element, Image, setTimeout */
// The PNG download of a plot (the Results tab's; a run page's NetCDF plots): the SVG its button's
// data-svg names (same origin, so the CSP's img-src 'self' admits it and the canvas stays
// readable) drawn into a canvas at twice its size.
'use strict';

(function () {
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-svg]') : null;
    if (!button) return;
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth * 2;
      canvas.height = img.naturalHeight * 2;
      const g = canvas.getContext('2d');
      g.scale(2, 2);
      g.drawImage(img, 0, 0);
      canvas.toBlob((blob) => {
        if (!blob) return;
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'plot.png';
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      }, 'image/png');
    };
    img.src = button.dataset.svg;
  });
})();
