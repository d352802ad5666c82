section_instructions() { out 'todo'; }
