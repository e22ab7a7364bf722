// The page's logic: upload with XHR (for upload progress), engine events with EventSource.
const $ = (id) => document.getElementById(id);
const HASH_LIMIT = 256 * 1024 * 1024; // hash files up to this size in the browser

const STATES = ['none', 'starting', 'initializing', 'running', 'stopping', 'completed', 'cancelled'];

function formatBytes(n) {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

// ---- engine events (Server-Sent Events) ----

const events = new EventSource('/events');
events.addEventListener('open', () => setEventsState('connected'));
// A dropped connection reconnects on its own (after the stream's retry: delay); a refusal (404, 503) closes it.
events.addEventListener('error', () => setEventsState(events.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));

function setEventsState(state) {
  const badge = $('events-state');
  badge.dataset.state = state;
  badge.textContent = state;
}

function logEvent(name, text) {
  const li = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  li.innerHTML = '<time></time><code></code><span></span>';
  li.children[0].textContent = time;
  li.children[1].textContent = name;
  li.children[2].textContent = text;
  const log = $('event-log');
  log.prepend(li);
  while (log.children.length > 8) log.lastElementChild.remove();
}

function showEngine(status) {
  const total = status.totalSize ?? 0;
  const done = (status.completedSize ?? 0) + (status.failedSize ?? 0);
  $('engine-progress').value = total > 0 ? done / total : 0;
  $('engine-text').textContent = `${status.completedCount ?? 0}/${status.totalCount ?? 0} objects · ${formatBytes(done)} of ${formatBytes(total)}`;
}

events.addEventListener('apaevt_status_update', (e) => {
  const status = JSON.parse(e.data);
  showEngine(status);
  const state = STATES[status.state] ?? String(status.state);
  const detail = status.status && status.status.toLowerCase() !== state ? ` · ${status.status}` : '';
  logEvent('status', `${state}${detail}`);
});
events.addEventListener('apaevt_status_object', (e) => {
  const { object, size } = JSON.parse(e.data);
  $('engine-text').textContent = `receiving ${object}`;
  logEvent('object', `${object} (${formatBytes(size)})`);
});
events.addEventListener('apaevt_status_counts', (e) => {
  const counts = JSON.parse(e.data);
  showEngine(counts);
  logEvent('counts', `${counts.completedCount} completed, ${counts.failedCount} failed`);
});
events.addEventListener('rocketride_error', (e) => {
  const { error } = JSON.parse(e.data);
  logEvent('error', `${error.code}: ${error.message}`);
});
// The server ended the stream for good: close, or EventSource would reconnect.
events.addEventListener('rocketride_end', (e) => {
  events.close();
  setEventsState('ended');
  logEvent('end', JSON.parse(e.data).reason);
});
// A reconnect: the events missed meanwhile are not replayed; the task's current status is.
events.addEventListener('rocketride_gap', (e) => {
  const { status } = JSON.parse(e.data);
  if (status) showEngine(status);
  logEvent('gap', 'reconnected; events missed meanwhile were not replayed');
});

// ---- the upload ----

async function sha256Hex(file) {
  if (file.size > HASH_LIMIT) return `(not computed: over ${formatBytes(HASH_LIMIT)})`;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function upload(file) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/upload');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      const total = e.lengthComputable ? e.total : file.size;
      $('upload-progress').value = total > 0 ? e.loaded / total : 1;
      $('upload-text').textContent = `${formatBytes(e.loaded)} of ${formatBytes(total)}`;
    };
    xhr.upload.onload = () => {
      $('upload-progress').value = 1;
      $('upload-text').textContent = `${formatBytes(file.size)} sent, waiting for the engine…`;
    };
    xhr.onload = () => {
      if (xhr.status === 200) resolve(xhr.response);
      else reject(new Error(xhr.response?.error ? `${xhr.status} ${xhr.response.error.code}: ${xhr.response.error.message}` : `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error('The upload failed (network error)'));
    xhr.send(file);
  });
}

function showResult(result, sha256) {
  $('result-name').textContent = result.name ?? '';
  $('result-object-id').textContent = result.objectId ?? '';
  const types = Object.keys(result.result_types ?? {});
  $('result-types').textContent = types.length > 0 ? types.join(', ') : 'none (the pipeline passed the bytes through)';
  $('result-sha256').textContent = sha256;
  const text = Array.isArray(result.text) ? result.text.join('') : '';
  $('result-text-box').hidden = text.length === 0;
  $('result-text').textContent = text.length > 600 ? `${text.slice(0, 600)}…` : text;
  $('result-json').textContent = JSON.stringify(result, null, 2);
  $('result').hidden = false;
}

$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (!file) return;
  document.body.dataset.upload = 'running';
  $('file-name').textContent = `${file.name} (${formatBytes(file.size)})`;
  $('result').hidden = true;
  $('error').hidden = true;
  $('upload-progress').value = 0;
  $('upload-text').textContent = 'starting…';
  try {
    const [result, sha256] = await Promise.all([upload(file), sha256Hex(file)]);
    $('upload-text').textContent = `${formatBytes(file.size)} sent and committed`;
    showResult(result, sha256);
    document.body.dataset.upload = 'done';
  } catch (err) {
    $('error').textContent = err.message;
    $('error').hidden = false;
    document.body.dataset.upload = 'failed';
  } finally {
    $('file').value = '';
  }
});
