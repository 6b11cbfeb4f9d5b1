import http from 'node:http';
import https from 'node:https';

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

export type HttpResult = { status: number; body: string } | { status: 0; error: string };

/**
 * One HTTP request with a hard time-out; the response body is read up to 64 KB. Never throws:
 * network problems come back as `status: 0`.
 */
export function httpRequest(
  method: 'GET' | 'POST',
  url: URL,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<HttpResult> {
  return new Promise((resolve) => {
    const isHttps = url.protocol === 'https:';
    const request = (isHttps ? https : http).request(
      url,
      {
        method,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        agent: isHttps ? agents.https : agents.http,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 64 * 1024) chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          resolve({ status: 0, error: error.message });
        });
      },
    );
    const timer = setTimeout(() => request.destroy(new Error('timeout')), timeoutMs);
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 0, error: error.message });
    });
    request.end(body);
  });
}
