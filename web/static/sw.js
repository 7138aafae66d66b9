// Service worker for the community teams' pages: network first, the last copy
// when offline.  Served at /sw.js so its scope is the whole site.
var CACHE = "tro-ly-dvc-v1";
var PRECACHE = ["/to-cong-nghe-so", "/vneid", "/huong-dan", "/static/guide.css", "/static/plan.css", "/static/plan.js"];
var OFFLINE_PAGES = /^\/(k\/|huong-dan|to-cong-nghe-so$|vneid$|static\/(guide|plan)\.)/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !OFFLINE_PAGES.test(url.pathname)) {
    return;
  }
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(event.request, { ignoreSearch: false });
  }));
});
