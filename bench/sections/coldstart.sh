section_coldstart() { out 'todo'; }
