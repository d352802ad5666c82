section_storm() { out 'todo'; }
