/*
 * Browser host only: opens the console API's WebSocket and asks for the snapshot while the
 * page's bundle is still loading and compiling, so the cached fleet is already here when the
 * app starts (the first paint no longer waits for bundle → connect → snapshot in sequence).
 * A classic script in <head>, so it runs before anything else; the bundle's WebSocket client
 * (desktop/src/shared/ws-console-client.ts) adopts the socket and the frames buffered here.
 * Under Electron the preload has already put the API on window.marquee: nothing to do.
 */
(function () {
  'use strict';
  if (window.marquee) return;
  var url =
    (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/console-api';
  var socket = new WebSocket(url);
  var frames = [];
  var buffer = function (ev) {
    frames.push(ev.data);
  };
  socket.addEventListener('message', buffer);
  socket.addEventListener('open', function () {
    // id 0 is reserved for this request (the client numbers its own calls from 1).
    socket.send(JSON.stringify({ id: 0, method: 'getSnapshot', params: {} }));
  });
  window.__marqueeEarlySocket = {
    socket: socket,
    /** Hands the socket over: the frames received so far, and no more buffering. */
    adopt: function () {
      socket.removeEventListener('message', buffer);
      return frames.splice(0);
    },
  };
})();
