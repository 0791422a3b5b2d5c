import axios, { type AxiosInstance } from 'axios';

export const UPSTREAM_TIMEOUT_MS = 15_000;

/** One axios instance per call site: bounded time, no redirects, raw text kept for lossless parsing. */
export function createHttpClient(baseURL: string, timeout = UPSTREAM_TIMEOUT_MS): AxiosInstance {
  return axios.create({
    baseURL,
    timeout,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: (status) => status >= 200 && status < 300,
  });
}
