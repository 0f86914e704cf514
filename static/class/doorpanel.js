/**
 * @fileoverview The teacher's door of a class, in the class bar: Lock joining
 * (students already in the class still get back in), the seats grouped by the
 * network they are held from, each under an anonymous tag and the most first,
 * with a Drop button (pressed twice: it asks first), and the networks dropped.
 * Shown when it tells something: several networks, or one holding many seats.
 * It sends nothing itself: its buttons and forms carry data-command, which the
 * class bar sends (joinpanel.js).
 */

import { byId } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { isTeacher } from './classstate.js';
import { putAttr, putProp, putText } from './put.js';

const CROWD = 5; // seats one network holds for the groups to show when it is the only one
const ASK_MS = 4000; // a Drop pressed once asks this long for a second press
const DROPPING_MS = 3000; // ... and, pressed again, its row says so until the roster has it gone

const seats = (n) => `${count(n)} seat${n === 1 ? '' : 's'}`;

/**
 * A roster's networks as the bar lists them: those holding several seats, each with its Drop
 * (a network of one seat is one device: it is counted with the rest), the rest, and how many
 * networks hold seats in all.
 */
function networks(roster) {
  const listed = roster.addresses.filter((g) => g.seats > 1);
  const singles = roster.addresses.length - listed.length;
  const rest = { networks: roster.others.addresses + singles, seats: roster.others.seats + singles };
  return { listed, rest, all: listed.length + rest.networks };
}

export class DoorPanelView {
  init() {
    const $ = byId;
    this.panel = $('class-door');
    this.list = $('class-addresses');
    this.lock = $('class-lock');
    this.blocked = $('class-blocked');
    if (!this.panel || !this.list || !this.lock || !this.blocked) throw new Error('DoorPanelView needs #class-door, #class-addresses, #class-lock and #class-blocked');
    this.asking = null; // the tag whose Drop asks to be pressed again
    this.dropping = null; // the tag just dropped, until the roster has it gone
    this.drawn = null;
    this.door = null; // the networks last drawn
    this.list.addEventListener('click', (event) => {
      const button = event.target.closest('button.class-drop');
      if (!button || button.disabled) return;
      const tag = button.form.elements.address.value;
      if (this.asking === tag) {
        this.asking = null;
        this.dropping = tag;
        setTimeout(() => this.forget('dropping', tag), DROPPING_MS);
        button.form.requestSubmit(); // the class bar sends {type: drop, address: tag}
      } else {
        this.asking = tag;
        setTimeout(() => this.forget('asking', tag), ASK_MS);
      }
      this.drawList();
    });
    return this;
  }

  forget(what, tag) {
    if (this[what] !== tag) return;
    this[what] = null;
    this.drawList();
  }

  render(state) {
    const c = state.classroom;
    const teaching = isTeacher(state);
    const r = teaching && c.roster && c.roster.addresses ? c.roster : null;
    const locked = !!(r && r.locked);
    putProp(this.lock, 'disabled', !teaching);
    putText('class-lock', locked ? 'Unlock joining' : 'Lock joining');
    putAttr(this.lock, 'aria-pressed', String(locked));
    putAttr(this.lock, 'data-command', locked ? 'unlock' : 'lock');
    putProp(byId('class-join-locked'), 'hidden', !locked);
    const door = r ? networks(r) : { listed: [], rest: { networks: 0, seats: 0 }, all: 0 };
    const { listed, all } = door;
    const useful = listed.length > 0 && (all > 1 || listed[0].seats >= CROWD);
    putProp(this.panel, 'hidden', !(useful || (r && r.blocked)));
    putProp(this.blocked, 'hidden', !(r && r.blocked));
    if (!r) return;
    if (r.blocked) putText('class-blocked-text', `${count(r.blocked)} network${r.blocked === 1 ? '' : 's'} dropped: kept out of this class.`);
    putText('class-door-status', !listed.length ? 'No network holds more than one seat.'
      : all === 1
        ? `All ${seats(listed[0].seats)} are held from one network. A class behind one school Wi-Fi looks like this: drop it only if these are not your students.`
        : 'Seats by network (tags, never addresses). A school’s Wi-Fi is one network for all its students: drop only one that is not your class.');
    this.door = door;
    if (this.dropping && !listed.some((g) => g.tag === this.dropping)) this.dropping = null;
    this.drawList();
  }

  /** The networks' rows, made again only when they, or a Drop's asking, change. */
  drawList() {
    const door = this.door;
    if (!door) return;
    const key = JSON.stringify([door.listed, door.rest, this.asking, this.dropping]);
    if (key === this.drawn) return;
    this.drawn = key;
    const focused = this.list.contains(document.activeElement) && document.activeElement.closest('li').dataset.tag;
    const most = Math.max(1, ...door.listed.map((g) => g.seats));
    const rows = door.listed.map((g) => this.row(g, most));
    if (door.rest.networks) {
      const li = document.createElement('li');
      li.className = 'class-address class-address-others';
      const n = door.rest.networks;
      li.textContent = n === door.rest.seats
        ? `and ${count(n)} more network${n === 1 ? '' : 's'} of one seat each`
        : `and ${count(n)} more networks: ${seats(door.rest.seats)}`;
      rows.push(li);
    }
    this.list.replaceChildren(...rows);
    const again = focused && rows.find((li) => li.dataset.tag === focused);
    if (again) again.querySelector('button').focus(); // a keyboard's second press finds its button
  }

  row(group, most) {
    const li = document.createElement('li');
    li.className = 'class-address';
    li.dataset.tag = group.tag;
    const form = document.createElement('form');
    form.dataset.command = 'drop';
    const address = Object.assign(document.createElement('input'), { type: 'hidden', name: 'address', value: group.tag });
    const tag = Object.assign(document.createElement('span'), { className: 'class-address-tag', textContent: group.tag });
    const bar = Object.assign(document.createElement('span'), { className: 'class-address-bar' });
    const fill = bar.appendChild(document.createElement('span'));
    fill.style.width = `${(100 * group.seats) / most}%`;
    const held = Object.assign(document.createElement('span'), { className: 'class-address-seats', textContent: seats(group.seats) });
    const drop = Object.assign(document.createElement('button'), { type: 'button', className: 'class-drop' });
    if (this.dropping === group.tag) Object.assign(drop, { textContent: 'Dropping…', disabled: true });
    else if (this.asking === group.tag) {
      drop.textContent = `Drop ${seats(group.seats)}?`;
      drop.classList.add('class-drop-asking');
    } else drop.textContent = 'Drop';
    drop.setAttribute('aria-label', this.asking === group.tag
      ? `${drop.textContent} Press again: network ${group.tag} is dropped and kept out`
      : `${drop.textContent} network ${group.tag} (${seats(group.seats)})`);
    form.append(address, tag, bar, held, drop);
    li.appendChild(form);
    return li;
  }
}
