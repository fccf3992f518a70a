/** employees.csv: the directory detectors join events to, one row per person, header first. */
import type { Employee } from './org.ts';

export const EMPLOYEE_COLUMNS = [
  'employee_id',
  'email',
  'display_name',
  'department',
  'title',
  'manager_id',
  'location',
  'timezone',
  'work_start_hour',
  'work_end_hour',
  'work_days',
  'employment_status',
  'hire_date',
  'termination_date',
  'is_privileged',
] as const;

/** RFC 4180 text with LF line ends; `work_days` is `1,2,3,4,5` (quoted), empty for no value. */
export function formatEmployeesCsv(employees: readonly Employee[]): string {
  const lines = [EMPLOYEE_COLUMNS.join(',')];
  for (const e of employees) {
    const row: Record<(typeof EMPLOYEE_COLUMNS)[number], string> = {
      employee_id: e.employee_id,
      email: e.email,
      display_name: e.display_name,
      department: e.department,
      title: e.title,
      manager_id: e.manager_id ?? '',
      location: e.location,
      timezone: e.timezone,
      work_start_hour: String(e.work_start_hour),
      work_end_hour: String(e.work_end_hour),
      work_days: e.work_days.join(','),
      employment_status: e.employment_status,
      hire_date: e.hire_date,
      termination_date: e.termination_date ?? '',
      is_privileged: String(e.is_privileged),
    };
    lines.push(EMPLOYEE_COLUMNS.map((column) => csvField(row[column])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
