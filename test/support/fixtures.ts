/** Small, valid bodies for the write routes, used by several tests. */
export function storeNode(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'store',
    name: 'Test Store',
    address: { city: 'Chicago', region: 'IL', country: 'US' },
    lat: 41.8781,
    lon: -87.6298,
    timezone: 'America/Chicago',
    capabilities: ['ship', 'pickup'],
    handlingCost: 3.5,
    dailyCapacity: 80,
    cutoffTime: '17:00',
    processingDays: 0,
    status: 'online',
    tags: ['central'],
    priorityGroup: 'store',
    ...overrides,
  };
}

export function item(overrides: Record<string, unknown> = {}) {
  return { name: 'Test Tee', weight: 0.4, sizeClass: 'small', hazmat: false, oversize: false, ...overrides };
}
