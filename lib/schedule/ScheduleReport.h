/*===-- ScheduleReport.h - The schedule report as jansson (internal) ------===*/

#ifndef CIM_LIB_SCHEDULE_SCHEDULEREPORT_H
#define CIM_LIB_SCHEDULE_SCHEDULEREPORT_H

#include <jansson.h>

#include "cim-c/Schedule.h"

/// The report as a new jansson object: the "schedule" member of cim-sim's
/// report and the whole of cim-schedule's report= file.
json_t *cimScheduleReportToJSON(const CimScheduleReport *report);

#endif /* CIM_LIB_SCHEDULE_SCHEDULEREPORT_H */
