/**
 * @fileoverview Every request of classroom mode: starting and ending a class
 * over HTTP, and the class's two WebSockets (the teacher drives, a student
 * follows).  Views never fetch; the class's controllers call these.
 */

import { request, requestFile } from '../api.js';
import { socketUrl } from '../lib/address.js';

export const classApi = {
  /** A class of the session `id`: {code, join_url, teacher_key}. */
  start: (id) => request('POST', '/api/classes', { session: id }),
  end: (code, key) => request('DELETE', `/api/classes/${code}`, undefined, { 'x-teacher-key': key }),
  /** The class's report as a spreadsheet (a Blob of CSV), kept a while after the class ends. */
  report: (code, key) => requestFile(`/api/classes/${code}/report?format=csv`, { 'x-teacher-key': key }),
};

/**
 * One socket of a class.  `onMessage(msg)` gets every message the server
 * sends, parsed; `onClose(code, reason)` is called when the server's side
 * closes (never after close()).
 */
export class ClassSocket {
  constructor(path, { onOpen = () => {}, onMessage, onClose }) {
    this.socket = new WebSocket(socketUrl(path));
    this.closedByUs = false;
    this.socket.addEventListener('open', () => onOpen(this));
    this.socket.addEventListener('message', (event) => onMessage(JSON.parse(event.data)));
    this.socket.addEventListener('close', (event) => {
      if (!this.closedByUs) onClose(event.code, event.reason);
    });
  }

  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Send `message` as JSON; false when the socket is not open. */
  send(message) {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  close() {
    this.closedByUs = true;
    this.socket.close(1000, 'left');
  }
}

/** The teacher's socket of class `code`. */
export function teacherSocket(code, handlers) {
  return new ClassSocket(`/api/classes/${code}/teacher`, handlers);
}

/** A student's socket of class `code`; `student` is the id the tab keeps, so a reconnect is the same student. */
export function studentSocket(code, student, handlers) {
  return new ClassSocket(`/api/classes/${code}/student?student=${encodeURIComponent(student)}`, handlers);
}
