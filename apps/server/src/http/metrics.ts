import client from 'prom-client';

/** Prometheus metrics of one process: HTTP, events, Node's own (event loop, memory, GC). */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const httpRequests = new client.Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventsDispatched = new client.Counter({
    name: 'parley_events_dispatched_total',
    help: 'Committed events pushed to real-time clients',
    registers: [registry],
  });
  const jobsRun = new client.Counter({
    name: 'parley_jobs_run_total',
    help: 'Background jobs run, by job name and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const socketsConnected = new client.Gauge({
    name: 'parley_realtime_connections',
    help: 'Open Socket.IO connections',
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, eventsDispatched, jobsRun, socketsConnected };
}
