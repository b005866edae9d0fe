// The Daily Demo's infinite-scroll article: when the reader reaches the end, the next story is
// appended, each with its own ad slot (story-2, story-3, …). The page never calls the tag:
// adtag finds each new slot itself, and with data-lazy-load requests its ad only near the screen.
(function () {
  'use strict';

  var STORIES = [
    ['Library extends Sunday hours through the winter', 'From November the central library opens on Sundays from ten until four, after a petition signed by more than two thousand readers.'],
    ['Bridge repairs: what the detours mean for your commute', 'The north bridge closes to cars for six weeks from Monday. Buses and bicycles can still cross on the temporary lane.'],
    ['Under-12s reach the county football final', 'A late header from the captain sent the under-12s through to their first county final in eighteen years.'],
    ['Recycling collection moves to Thursdays', 'Blue bins will be emptied on Thursdays from next month; garden waste stays on Tuesdays.'],
    ['Market square to get new benches and trees', 'Twelve benches and eight lime trees are part of a modest makeover due to finish before the summer fair.'],
  ];
  var PARAGRAPHS = 6;
  var next = 2;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function append() {
    var list = document.getElementById('stories');
    if (!list || next > STORIES.length + 1) return false;
    var s = STORIES[next - 2];
    var story = el('article', { class: 'story', 'data-story': String(next) });
    story.appendChild(el('h2', {}, s[0]));
    story.appendChild(el('p', { class: 'lede' }, s[1]));
    var ad = el('div', { class: 'story-ad' });
    ad.appendChild(el('div', { 'data-adtag-slot': 'story-' + next, 'data-adtag-size': '300x250' }));
    story.appendChild(ad);
    for (var i = 0; i < PARAGRAPHS; i++) {
      story.appendChild(el('p', {}, 'More of the story, paragraph ' + (i + 1) + '. ' + s[1] + ' Residents were asked what they thought, and most of them had an opinion.'));
    }
    list.appendChild(story);
    next += 1;
    return true;
  }

  function start() {
    var more = document.getElementById('more');
    if (!more || typeof IntersectionObserver !== 'function') return;
    // The next story loads as the end of the page comes within a screen of the reader.
    var io = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      if (!append()) {
        more.textContent = 'You have read everything for today.';
        io.disconnect();
        return;
      }
      // Still in reach after the append (a tall screen): check again on the next frame.
      io.unobserve(more);
      requestAnimationFrame(function () { io.observe(more); });
    }, { rootMargin: '0px 0px 100% 0px' });
    io.observe(more);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
