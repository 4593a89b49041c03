// McpGateway console: the only script. An element with data-live="URL" shows each HTML fragment the server sends on
// that event stream (rendered and escaped by the server); the browser's EventSource reconnects by itself.
'use strict';
for (const element of document.querySelectorAll('[data-live]')) {
  const source = new EventSource(element.dataset.live);
  source.onmessage = (event) => {
    element.innerHTML = event.data;
    delete element.dataset.stale;
  };
  source.onerror = () => {
    element.dataset.stale = 'true';
  };
}
